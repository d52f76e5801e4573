"""Checks of the ch06 graded functions (leaky units and multiple time scales):
the moving average of leaky units, a network of leaky units, a skip
connection through time and the Clockwork RNN.

The standard cases give alpha as a Python number; one alpha per unit (a
tensor) has checks of its own. Clockwork cases pass the periods as a list of
Python ints.
"""
from dataclasses import replace

from .builders import bad_case, shape_of, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, matches_reference

NETWORK = (0, 1, 2, 3, 4)                    # x, h0, U, W, b
SKIP_NETWORK = (0, 1, 2, 3, 4, 5)            # x, h0, U, W1, Wd, b


def _alpha(inputs: Inputs) -> float:
    """One alpha for every unit, a Python number inside (0, 1)."""
    return float(inputs.uniform(1, low=0.3, high=0.95))


def _alpha_per_unit(inputs: Inputs, H: int):
    return inputs.uniform(H, low=0.05, high=0.99)


def _alpha_with_ends(inputs: Inputs, H: int):
    """alpha (H,) in (0, 1) with its first entry 0 and its last entry 1."""
    alpha = _alpha_per_unit(inputs, H)
    alpha[0], alpha[-1] = 0.0, 1.0
    return alpha


def _with_entry(alpha, value: float):
    changed = alpha.clone()
    changed[1] = value
    return changed


def _network(inputs: Inputs, d: Dims) -> dict:
    """x (T, B, D), h0 (B, H), U (H, D), W (H, H), b (H,)."""
    return {"x": inputs.randn(d.T, d.B, d.D), "h0": inputs.uniform(d.B, d.H), "U": inputs.weight(d.H, d.D),
            "W": inputs.weight(d.H, d.H), "b": inputs.uniform(d.H)}


def _bad_network_shapes(args: dict, inputs: Inputs, d: Dims) -> list:
    """The shape mistakes every network of the chapter must refuse."""
    wide_x = inputs.randn(d.T, d.B, d.D + 1)
    other_h0 = inputs.uniform(d.B + 1, d.H)
    wide_W = inputs.weight(d.H, d.H + 1)
    short_b = inputs.uniform(d.H - 1)
    W_name = "W" if "W" in args else "Wd"
    return [with_replaced(args, f"x {shape_of(wide_x)} with U {shape_of(args['U'])}", x=wide_x),
            with_replaced(args, f"x {shape_of(args['x'])} with h0 {shape_of(other_h0)}", h0=other_h0),
            with_replaced(args, f"{W_name} {shape_of(wide_W)} with U {shape_of(args['U'])}", **{W_name: wide_W}),
            with_replaced(args, f"b {shape_of(short_b)} with U {shape_of(args['U'])}", b=short_b)]


def _range_cases(valid: list, outside: list) -> list:
    """The valid calls (the ends of [0, 1] included), then those that must raise ValueError."""
    return valid + [replace(case, expect_error="ValueError") for case in outside]


# leaky_average(v, alpha, mu0=None) ----------------------------------------------------

def make_leaky_average(inputs: Inputs, d: Dims) -> Case:
    """mu0 not given: the average starts from zeros."""
    return Case(args=[inputs.randn(d.T, d.B, d.H), _alpha(inputs)])


def bad_leaky_average(inputs: Inputs) -> list:
    d = Dims()
    v, alpha, mu0 = inputs.randn(d.T, d.B, d.H), _alpha(inputs), inputs.uniform(d.B, d.H)
    wide_mu0 = inputs.uniform(d.B, d.H + 1)
    wide_alpha = _alpha_per_unit(inputs, d.H + 1)
    return [bad_case(dict(v=v, alpha=alpha, mu0=wide_mu0), f"v {shape_of(v)} with mu0 {shape_of(wide_mu0)}"),
            bad_case(dict(v=v, alpha=wide_alpha, mu0=mu0), f"v {shape_of(v)} with alpha {shape_of(wide_alpha)}"),
            bad_case(dict(v=inputs.randn(), alpha=alpha), "a 0-dimensional v (no time dimension)")]


def _average_with_mu0(device: str) -> list:
    inputs, d = Inputs(601), Dims()
    return [Case(args=[inputs.randn(d.T, d.B, d.H), _alpha(inputs), inputs.uniform(d.B, d.H)],
                 grad_wrt=(0, 2), label="mu0 given"),
            Case(args=[inputs.randn(d.T, d.H), 0.9], kwargs={"mu0": inputs.uniform(d.H)}, grad_wrt=(0, "mu0"),
                 label="v (T, H) without a batch dimension, mu0 as a keyword")]


def _average_without_mu0(device: str) -> list:
    inputs, d = Inputs(602), Dims(T=12)
    return [Case(args=[inputs.randn(d.T, d.B, d.H), 0.95, None], grad_wrt=(0,), label="mu0=None"),
            Case(args=[inputs.randn(d.T, 2, d.B, d.H), 0.5], grad_wrt=(0,), label="v (T, 2, B, H), mu0 not given")]


def _average_per_unit(device: str) -> list:
    inputs, d = Inputs(603), Dims(T=8)
    square = Dims(T=8, B=6, H=6)        # B = H: alpha on the wrong axis still broadcasts, to wrong values
    return [Case(args=[inputs.randn(d.T, d.B, d.H), _alpha_per_unit(inputs, d.H), inputs.uniform(d.B, d.H)],
                 grad_wrt=(0, 1, 2), label="alpha (H,) for v (T, B, H)"),
            Case(args=[inputs.randn(square.T, square.B, square.H), _alpha_per_unit(inputs, square.H)],
                 grad_wrt=(0, 1), label="alpha (H,) for v (T, H, H), mu0 not given"),
            Case(args=[inputs.randn(d.T, d.B, d.H), inputs.uniform(d.B, 1, low=0.1, high=0.9)],
                 grad_wrt=(0, 1), label="alpha (B, 1): one alpha per sequence"),
            Case(args=[inputs.randn(d.T, d.B, d.H), inputs.uniform(low=0.2, high=0.8)], grad_wrt=(0, 1),
                 label="alpha a 0-dimensional tensor")]


def _average_alpha_range(device: str) -> list:
    inputs, d = Inputs(604), Dims()
    v, mu0 = inputs.randn(d.T, d.B, d.H), inputs.uniform(d.B, d.H)
    ends = _alpha_with_ends(inputs, d.H)
    return _range_cases(
        [Case(args=[v, 0.0, mu0], label="alpha = 0"), Case(args=[v, 1.0, mu0], label="alpha = 1"),
         Case(args=[v, ends, mu0], label="alpha (H,) with entries 0 and 1")],
        [Case(args=[v, 1.5, mu0], label="alpha = 1.5"), Case(args=[v, -0.2, mu0], label="alpha = -0.2"),
         Case(args=[v, _with_entry(ends, 1.25), mu0], label="alpha (H,) with an entry 1.25"),
         Case(args=[v, _with_entry(ends, -0.5), mu0], label="alpha (H,) with an entry -0.5")])


# leaky_rnn_forward(x, h0, U, W, b, alpha) -----------------------------------------------

def make_leaky_rnn(inputs: Inputs, d: Dims) -> Case:
    return Case(args=[*_network(inputs, d).values(), _alpha(inputs)])


def bad_leaky_rnn(inputs: Inputs) -> list:
    d = Dims()
    args = {**_network(inputs, d), "alpha": _alpha(inputs)}
    wide_alpha = _alpha_per_unit(inputs, d.H + 1)
    return _bad_network_shapes(args, inputs, d) + [
        with_replaced(args, f"alpha {shape_of(wide_alpha)} with h0 {shape_of(args['h0'])}", alpha=wide_alpha)]


def _leaky_rnn_per_unit(device: str) -> list:
    inputs, d = Inputs(611), Dims(T=8)
    square = Dims(T=6, B=6, H=6)
    return [Case(args=[*_network(inputs, d).values(), _alpha_per_unit(inputs, d.H)], grad_wrt=(*NETWORK, 5),
                 label="alpha (H,)"),
            Case(args=[*_network(inputs, square).values(), _alpha_per_unit(inputs, square.H)],
                 grad_wrt=(*NETWORK, 5), label="alpha (H,) with B = H")]


def _leaky_rnn_alpha_range(device: str) -> list:
    inputs, d = Inputs(612), Dims()
    network = list(_network(inputs, d).values())
    ends = _alpha_with_ends(inputs, d.H)
    return _range_cases(
        [Case(args=[*network, 0.0], label="alpha = 0"), Case(args=[*network, 1.0], label="alpha = 1"),
         Case(args=[*network, ends], label="alpha (H,) with entries 0 and 1")],
        [Case(args=[*network, 1.01], label="alpha = 1.01"), Case(args=[*network, -1.0], label="alpha = -1"),
         Case(args=[*network, _with_entry(ends, 2.0)], label="alpha (H,) with an entry 2")])


def _leaky_rnn_long(device: str) -> list:
    inputs, d = Inputs(613), Dims(T=40)
    return [Case(args=[*_network(inputs, d).values(), 0.98], grad_wrt=NETWORK, label="T = 40, alpha = 0.98")]


# skip_rnn_forward(x, h0, U, W1, Wd, b, d) ------------------------------------------------

def _skip_args(inputs: Inputs, d: Dims, delay: int) -> dict:
    network = _network(inputs, d)
    return {"x": network["x"], "h0": network["h0"], "U": network["U"], "W1": network["W"],
            "Wd": inputs.weight(d.H, d.H), "b": network["b"], "d": delay}


def make_skip(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(_skip_args(inputs, d, 2).values()))


def bad_skip(inputs: Inputs) -> list:
    d = Dims()
    return _bad_network_shapes(_skip_args(inputs, d, 2), inputs, d)


def _skip_delays(device: str) -> list:
    return [Case(args=list(_skip_args(Inputs(620 + delay), Dims(T=T), delay).values()), grad_wrt=SKIP_NETWORK,
                 label=f"d = {delay}, T = {T}")
            for delay, T in ((1, 5), (3, 10), (4, 9), (7, 5))]


def _skip_bad_delays(device: str) -> list:
    inputs, d = Inputs(625), Dims()
    args = list(_skip_args(inputs, d, 1).values())[:-1]
    return [Case(args=[*args, 1], label="d = 1")] + [
        Case(args=[*args, delay], label=f"d = {delay!r}", expect_error="ValueError") for delay in (0, -2, 1.5)]


# clockwork_rnn_forward(x, h0, U, W, b, periods) -------------------------------------------

def _clockwork_case(inputs: Inputs, periods: list, T: int, module_size: int = 2) -> Case:
    d = Dims(T=T, H=module_size * len(periods))
    return Case(args=[*_network(inputs, d).values(), periods], grad_wrt=NETWORK,
                label=f"periods {periods}, T = {T}")


def make_clockwork(inputs: Inputs, d: Dims) -> Case:
    """Three modules of two units (H = 6), periods 1, 2 and 4."""
    return Case(args=[*_network(inputs, d).values(), [1, 2, 4]])


def bad_clockwork(inputs: Inputs) -> list:
    d = Dims()
    args = {**_network(inputs, d), "periods": [1, 2, 4]}
    return _bad_network_shapes(args, inputs, d) + [
        with_replaced(args, "periods [1, 2, 4, 8]: 4 modules cannot share H = 6 units", periods=[1, 2, 4, 8])]


def _equal_periods(device: str) -> list:
    return [_clockwork_case(Inputs(630), [1, 2, 2, 4], T=12),
            _clockwork_case(Inputs(631), [3, 3], T=8, module_size=3),
            _clockwork_case(Inputs(632), [1, 1, 1], T=4)]


def _periods_in_any_order(device: str) -> list:
    return [_clockwork_case(Inputs(633), [4, 1, 8, 2], T=17),
            _clockwork_case(Inputs(634), [2, 1], T=6, module_size=3),
            _clockwork_case(Inputs(635), [5, 3, 3, 1], T=11, module_size=1)]


def _longer_than_the_largest_period(device: str) -> list:
    return [_clockwork_case(Inputs(636), [1, 2, 4, 8], T=30),
            _clockwork_case(Inputs(637), [1, 3], T=13, module_size=3),
            _clockwork_case(Inputs(638), [1, 16], T=5)]


def _bad_periods(device: str) -> list:
    inputs = Inputs(639)
    network = list(_network(inputs, Dims()).values())
    return [Case(args=[*network, [1, 3, 3]], label="periods [1, 3, 3]")] + [
        Case(args=[*network, periods], label=f"periods {periods}", expect_error="ValueError")
        for periods in ([1, 0, 2], [2, -1, 4], [1, 1.5, 2], [])]


CLOCKWORK_HINT = ("At step t = 0, 1, ... module g updates iff t % periods[g] == 0 and keeps its state otherwise; "
                  "unit i reads unit j iff the period of j's module is >= that of i's (compare the periods, "
                  "not the module numbers).")

def alpha_range_check(cases) -> Check:
    """The check of the range of alpha that both leaky functions share."""
    return Check("alpha in [0, 1] is accepted, outside it raises ValueError",
                 "Accept 0 <= alpha <= 1 (the ends included), for a number and for every entry of a tensor; "
                 "raise ValueError otherwise.",
                 cases, matches_reference(mutation=False))


SPECS = [
    Spec("leaky_average", make_leaky_average, grad_wrt=(0,), bad_shapes=bad_leaky_average, extra_checks=[
        Check("starts from mu0 when it is given",
              "mu(1) = alpha mu0 + (1 - alpha) v(1): the first step reads mu0.",
              _average_with_mu0, matches_reference(grads=True)),
        Check("starts from zeros when mu0 is not given",
              "mu0=None means mu(0) = 0, of the shape of one step v[0].",
              _average_without_mu0, matches_reference(grads=True)),
        Check("one alpha per unit",
              "A tensor alpha broadcasts against one step v[t] (its last dimension is the units').",
              _average_per_unit, matches_reference(grads=True)),
        alpha_range_check(_average_alpha_range),
    ], outputs=("mu (T, ...)",)),
    Spec("leaky_rnn_forward", make_leaky_rnn, grad_wrt=NETWORK, bad_shapes=bad_leaky_rnn, extra_checks=[
        Check("one alpha per unit",
              "A tensor alpha (H,) scales each unit's own old state: it broadcasts against a state (B, H).",
              _leaky_rnn_per_unit, matches_reference(grads=True)),
        alpha_range_check(_leaky_rnn_alpha_range),
        Check("a long sequence of slow units",
              "h(t) = alpha h(t-1) + (1 - alpha) tanh(b + W h(t-1) + U x(t)) at every step.",
              _leaky_rnn_long, matches_reference(grads=True)),
    ], outputs=("h (T, B, H)",)),
    Spec("skip_rnn_forward", make_skip, grad_wrt=SKIP_NETWORK, bad_shapes=bad_skip, extra_checks=[
        Check("delays d = 1, 3, 4 and longer than the sequence",
              "h(t-d) is the state d steps back, h0 for every t - d <= 0.",
              _skip_delays, matches_reference(grads=True)),
        Check("ValueError for a delay that is not a positive integer",
              "Check that d is an int >= 1 before computing.",
              _skip_bad_delays, matches_reference(mutation=False)),
    ], outputs=("h (T, B, H)",)),
    Spec("clockwork_rnn_forward", make_clockwork, grad_wrt=NETWORK, bad_shapes=bad_clockwork, extra_checks=[
        Check("modules of equal period read each other", CLOCKWORK_HINT,
              _equal_periods, matches_reference(grads=True)),
        Check("periods in any order", CLOCKWORK_HINT, _periods_in_any_order, matches_reference(grads=True)),
        Check("sequences longer than the largest period", CLOCKWORK_HINT,
              _longer_than_the_largest_period, matches_reference(grads=True)),
        Check("ValueError for periods that are not positive integers",
              "Check that periods is a non-empty list of ints >= 1 before computing.",
              _bad_periods, matches_reference(mutation=False)),
    ], outputs=("h (T, B, H)",)),
]
