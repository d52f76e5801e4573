"""The catalogue of common mistakes in the ch09 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included, so the hidden check that must catch that mistake is
the one that fails. The argument checks and the steps an answer gets right
are shared text, spliced in by ``answer``; every value of ``WRONG`` is still
the complete source of a solution cell.
"""
import textwrap

from . import answer

# init_reservoir(n, spectral_radius, density, generator)

_RESERVOIR_ARGUMENTS = '''
if isinstance(n, bool) or not isinstance(n, int) or n < 1:
    raise ValueError(f"n must be a positive integer, got {n!r}")
if not 0 < density <= 1:
    raise ValueError(f"density must lie in (0, 1], got {density}")
if spectral_radius < 0:
    raise ValueError(f"spectral_radius must not be negative, got {spectral_radius}")
'''
_RESERVOIR = ("init_reservoir(n, spectral_radius, density, generator)", _RESERVOIR_ARGUMENTS)

_DRAW = '''
drawn = {"generator": generator, "dtype": torch.float64, "device": generator.device}
values = 2 * torch.rand(n, n, **drawn) - 1
kept = torch.rand(n, n, **drawn) < density
W = torch.where(kept, values, torch.zeros_like(values))
'''
_RADIUS = '''
radius = torch.linalg.eigvals(W).abs().max()
'''


def _scaled(radius: str = _RADIUS, W: str = "W") -> str:
    return textwrap.dedent(radius).strip("\n") + f"\nreturn {W} * (spectral_radius / radius)\n"


# reservoir_states(u, W_in, W, leak_rate, x0=None, bias=None)

_STATES_SHAPES = '''
if u.dim() != 2 or u.shape[0] < 1:
    raise ValueError(f"u must be (T, D) with T >= 1, got shape {tuple(u.shape)}")
(T, D), n = u.shape, W_in.shape[0]
expected = {"W_in": (n, D), "W": (n, n), "x0": (n,), "bias": (n,)}
given = {"W_in": W_in, "W": W, "x0": x0, "bias": bias}
wrong = [f"{name} is {tuple(given[name].shape)}, expected {shape}" for name, shape in expected.items()
         if given[name] is not None and tuple(given[name].shape) != shape]
if wrong:
    raise ValueError("inconsistent shapes: " + "; ".join(wrong))
'''
_STATES = ("reservoir_states(u, W_in, W, leak_rate, x0=None, bias=None)", _STATES_SHAPES)

_DRIVE = '''
drive = u @ W_in.T
if bias is not None:
    drive = drive + bias
'''
_START = '''
x = u.new_zeros(n) if x0 is None else x0
'''


def _loop(update: str = "(1 - leak_rate) * x + leak_rate * torch.tanh(drive_t + W @ x)") -> str:
    return f'''
states = []
for drive_t in drive:
    x = {update}
    states.append(x)
return torch.stack(states)
'''


# ridge_readout(X, Y, ridge)

_RIDGE_ARGUMENTS = '''
if X.dim() != 2 or Y.dim() != 2 or X.shape[0] != Y.shape[0]:
    raise ValueError(f"X must be (T, n) and Y (T, K) with the same T, got {tuple(X.shape)} and {tuple(Y.shape)}")
if ridge < 0:
    raise ValueError(f"ridge must not be negative, got {ridge}")
T, n = X.shape
'''
_RIDGE = ("ridge_readout(X, Y, ridge)", _RIDGE_ARGUMENTS)

_CENTRED = '''
x_mean, y_mean = X.mean(dim=0), Y.mean(dim=0)
Xc, Yc = X - x_mean, Y - y_mean
eye = torch.eye(n, dtype=X.dtype, device=X.device)
'''
_AUGMENTED = '''
X1 = torch.cat([X, torch.ones_like(X[:, :1])], dim=1)          # (T, n + 1)
'''


def _centred_solve(system: str = "torch.linalg.solve(Xc.T @ Xc + ridge * eye, Xc.T @ Yc)") -> str:
    return _CENTRED + f'''
W_out = ({system}).T
return W_out, y_mean - W_out @ x_mean
'''


# esn_generate(W_in, W, W_out, b_out, x0, u0, steps, leak_rate)

_GENERATE_ARGUMENTS = '''
if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
    raise ValueError(f"steps must be a positive integer, got {steps!r}")
if W.dim() != 2 or W_out.dim() != 2:
    raise ValueError(f"W must be (n, n) and W_out (K, n), got {tuple(W.shape)} and {tuple(W_out.shape)}")
n, K = W.shape[0], W_out.shape[0]
expected = {"W_in": (n, K), "W": (n, n), "W_out": (K, n), "b_out": (K,), "x0": (n,), "u0": (K,)}
given = {"W_in": W_in, "W": W, "W_out": W_out, "b_out": b_out, "x0": x0, "u0": u0}
wrong = [f"{name} is {tuple(given[name].shape)}, expected {shape}"
         for name, shape in expected.items() if tuple(given[name].shape) != shape]
if wrong:
    raise ValueError("inconsistent shapes: " + "; ".join(wrong))
'''
_GENERATE = ("esn_generate(W_in, W, W_out, b_out, x0, u0, steps, leak_rate)", _GENERATE_ARGUMENTS)


def _closed_loop(update: str = "(1 - leak_rate) * x + leak_rate * torch.tanh(W_in @ u + W @ x)",
                 read: str = "u = W_out @ x + b_out\noutputs.append(u)") -> str:
    body = "\n".join("    " + line for line in f"x = {update}\n{read}".splitlines())
    return f'''
x, u, outputs = x0, u0, []
for _ in range(steps):
{body}
return torch.stack(outputs)
'''


WRONG = {
    "init_reservoir": {
        "scaled_by_the_largest_singular_value": answer(_RESERVOIR, _DRAW, _scaled('''
            radius = torch.linalg.matrix_norm(W, ord=2)
        ''')),
        "scaled_by_the_largest_real_part": answer(_RESERVOIR, _DRAW, _scaled('''
            radius = torch.linalg.eigvals(W).real.max()
        ''')),
        "scaled_by_the_frobenius_norm_over_sqrt_n": answer(_RESERVOIR, _DRAW, _scaled('''
            radius = torch.linalg.matrix_norm(W) / n ** 0.5
        ''')),
        "dense_density_ignored": answer(_RESERVOIR, '''
            W = 2 * torch.rand(n, n, generator=generator, dtype=torch.float64, device=generator.device) - 1
        ''', _scaled()),
        "density_of_zeros_instead_of_non_zeros": answer(_RESERVOIR, _DRAW.replace("< density", ">= density"),
                                                        _scaled()),
        "mask_drawn_from_the_global_generator": answer(_RESERVOIR, _DRAW.replace(
            "kept = torch.rand(n, n, **drawn)",
            "kept = torch.rand(n, n, dtype=torch.float64, device=generator.device)"), _scaled()),
        "global_generator_reseeded": answer(_RESERVOIR, '''
            torch.manual_seed(generator.initial_seed())
            values = 2 * torch.rand(n, n, dtype=torch.float64) - 1
            kept = torch.rand(n, n, dtype=torch.float64) < density
            W = torch.where(kept, values, torch.zeros_like(values)).to(generator.device)
        ''', _scaled()),
        "float32_result": answer(_RESERVOIR, _DRAW.replace("torch.float64", "torch.float32"), _scaled()),
        "no_argument_checks": answer(_RESERVOIR, _DRAW, _scaled(), checked=False),
    },
    "reservoir_states": {
        "leak_on_the_wrong_term": answer(_STATES, _DRIVE, _START, _loop(
            "leak_rate * x + (1 - leak_rate) * torch.tanh(drive_t + W @ x)")),
        "leak_inside_the_tanh": answer(_STATES, _DRIVE, _START, _loop(
            "torch.tanh(drive_t + (1 - leak_rate) * x + leak_rate * (W @ x))")),
        "bias_ignored": answer(_STATES, "drive = u @ W_in.T\n", _START, _loop()),
        "x0_ignored": answer(_STATES, _DRIVE, "x = u.new_zeros(n)\n", _loop()),
        "W_transposed": answer(_STATES, _DRIVE, _START, _loop(
            "(1 - leak_rate) * x + leak_rate * torch.tanh(drive_t + x @ W)")),
        "states_shifted_x0_first": answer(_STATES, _DRIVE, _START, '''
            states = []
            for drive_t in drive:
                states.append(x)
                x = (1 - leak_rate) * x + leak_rate * torch.tanh(drive_t + W @ x)
            return torch.stack(states)
        '''),
        "zeros_on_the_cpu": answer(_STATES, _DRIVE, '''
            x = torch.zeros(n, dtype=u.dtype) if x0 is None else x0
        ''', _loop()),
        "no_shape_checks": answer(_STATES, _DRIVE, "n = W_in.shape[0]\n", _START, _loop(), checked=False),
    },
    "ridge_readout": {
        "bias_penalised": answer(_RIDGE, _AUGMENTED, '''
            eye = torch.eye(n + 1, dtype=X.dtype, device=X.device)
            theta = torch.linalg.solve(X1.T @ X1 + ridge * eye, X1.T @ Y)
            return theta[:n].T, theta[n]
        '''),
        "ridge_scaled_by_T": answer(_RIDGE, _centred_solve(
            "torch.linalg.solve(Xc.T @ Xc + T * ridge * eye, Xc.T @ Yc)")),
        "explicit_inverse": answer(_RIDGE, _centred_solve(
            "torch.linalg.inv(Xc.T @ Xc + ridge * eye) @ (Xc.T @ Yc)")),
        "pseudo_inverse": answer(_RIDGE, _centred_solve(
            "torch.linalg.pinv(Xc.T @ Xc + ridge * eye) @ (Xc.T @ Yc)")),
        "inverse_through_matrix_power": answer(_RIDGE, _centred_solve(
            "torch.linalg.matrix_power(Xc.T @ Xc + ridge * eye, -1) @ (Xc.T @ Yc)")),
        "ridge_squared": answer(_RIDGE, _centred_solve(
            "torch.linalg.solve(Xc.T @ Xc + ridge ** 2 * eye, Xc.T @ Yc)")),
        "no_bias": answer(_RIDGE, '''
            eye = torch.eye(n, dtype=X.dtype, device=X.device)
            W_out = torch.linalg.solve(X.T @ X + ridge * eye, X.T @ Y).T
            return W_out, Y.new_zeros(Y.shape[1])
        '''),
        "only_Y_centred": answer(_RIDGE, _CENTRED, '''
            W_out = torch.linalg.solve(X.T @ X + ridge * eye, X.T @ Yc).T
            return W_out, y_mean - W_out @ x_mean
        '''),
        "W_out_transposed": answer(_RIDGE, _CENTRED, '''
            W_out = torch.linalg.solve(Xc.T @ Xc + ridge * eye, Xc.T @ Yc)
            return W_out, y_mean - x_mean @ W_out
        '''),
        "eye_on_the_cpu": answer(_RIDGE, _CENTRED.replace("device=X.device", "device='cpu'"), '''
            W_out = torch.linalg.solve(Xc.T @ Xc + ridge * eye, Xc.T @ Yc).T
            return W_out, y_mean - W_out @ x_mean
        '''),
    },
    "esn_generate": {
        "first_output_read_before_the_first_update": answer(_GENERATE, '''
            x, u, outputs = x0, u0, []
            for _ in range(steps):
                outputs.append(W_out @ x + b_out)
                x = (1 - leak_rate) * x + leak_rate * torch.tanh(W_in @ u + W @ x)
                u = W_out @ x + b_out
            return torch.stack(outputs)
        '''),
        "input_not_fed_back": answer(_GENERATE, _closed_loop(
            update="(1 - leak_rate) * x + leak_rate * torch.tanh(W_in @ u0 + W @ x)")),
        "feedback_without_b_out": answer(_GENERATE, _closed_loop(
            read="u = W_out @ x\noutputs.append(u + b_out)")),
        "leak_on_the_wrong_term": answer(_GENERATE, _closed_loop(
            update="leak_rate * x + (1 - leak_rate) * torch.tanh(W_in @ u + W @ x)")),
        "W_transposed": answer(_GENERATE, _closed_loop(
            update="(1 - leak_rate) * x + leak_rate * torch.tanh(W_in @ u + x @ W)")),
        "tanh_on_the_output": answer(_GENERATE, _closed_loop(
            read="u = torch.tanh(W_out @ x + b_out)\noutputs.append(u)")),
        "outputs_detached": answer(_GENERATE, _closed_loop(read="u = (W_out @ x + b_out).detach()\noutputs.append(u)")),
        "no_argument_checks": answer(_GENERATE, "n, K = W.shape[0], W_out.shape[0]\n", _closed_loop(), checked=False),
    },
}



SAYS = {
    "init_reservoir": {
        "scaled_by_the_largest_singular_value": "the matrix is scaled by its largest singular value where "
                                                "the spectral radius is asked",
        "scaled_by_the_largest_real_part": "the matrix is scaled by the largest real part of its eigenvalues "
                                           "where the largest modulus is asked",
        "scaled_by_the_frobenius_norm_over_sqrt_n": "the matrix is scaled by its Frobenius norm over sqrt(n) "
                                                    "where the spectral radius is asked",
        "dense_density_ignored": "the density is ignored: the matrix is dense",
        "density_of_zeros_instead_of_non_zeros": "the density is taken as the fraction of zeros where it is "
                                                 "the fraction of non-zeros",
        "mask_drawn_from_the_global_generator": "the sparsity mask is drawn from torch's global generator "
                                                "where it is drawn from the generator given",
        "global_generator_reseeded": "torch's global generator is reseeded",
        "float32_result": "the result is float32 where float64 is asked",
        "no_argument_checks": "invalid arguments are not rejected with ValueError",
    },
    "reservoir_states": {
        "leak_on_the_wrong_term": "the leak rate a weighs the old state where it weighs the new value "
                                  "(1 - a weighs the old state)",
        "leak_inside_the_tanh": "the leak is applied inside the tanh where it mixes the states after it",
        "bias_ignored": "the bias is left out",
        "x0_ignored": "the initial state x0 is ignored: the states start from zeros",
        "W_transposed": "W appears transposed",
        "states_shifted_x0_first": "the states are shifted by one step: x0 comes first",
        "zeros_on_the_cpu": "the zeros are created on the CPU, not on the inputs' device",
        "no_shape_checks": "inconsistent shapes are not rejected with ValueError",
    },
    "ridge_readout": {
        "bias_penalised": "the bias is penalised by the ridge where only the weights are",
        "ridge_scaled_by_T": "the ridge is scaled by T",
        "explicit_inverse": "the system is solved with an explicit matrix inverse, which the exercise forbids",
        "pseudo_inverse": "the system is solved with a pseudo-inverse, which the exercise forbids",
        "inverse_through_matrix_power": "the system is solved with an inverse (a matrix power of -1), which "
                                        "the exercise forbids",
        "ridge_squared": "the ridge is squared",
        "no_bias": "the readout has no bias",
        "only_Y_centred": "only the targets are centred, not the states",
        "W_out_transposed": "W_out appears transposed",
        "eye_on_the_cpu": "the identity is created on the CPU, not on the inputs' device",
    },
    "esn_generate": {
        "first_output_read_before_the_first_update": "the first output is read before the first update of "
                                                     "the state",
        "input_not_fed_back": "the output is not fed back as the next input",
        "feedback_without_b_out": "the fed-back output leaves out the readout's bias b_out",
        "leak_on_the_wrong_term": "the leak rate a weighs the old state where it weighs the new value "
                                  "(1 - a weighs the old state)",
        "W_transposed": "W appears transposed",
        "tanh_on_the_output": "a tanh is applied to the output, which the readout does not take",
        "outputs_detached": "the outputs are detached: no gradient flows back",
        "no_argument_checks": "invalid arguments are not rejected with ValueError",
    },
}
