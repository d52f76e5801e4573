"""Checks of the ch05 graded functions (long-term dependencies): step
Jacobians, gradient norms through time and gradient clipping."""
from .builders import shape_of, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, matches_reference

STATES_AND_W = (0, 1)
TORCH_TOLERANCE = (1e-6, 1e-9)   # agreement with torch.nn.utils to 1e-6


# step_jacobians(h, W) and gradient_norms_through_time(h, W) ---------------------

def _states_and_weights(inputs: Inputs, d: Dims, gain: float = 1.0) -> dict:
    """h (T, B, H): tanh outputs in (-1, 1); W (H, H)."""
    return {"h": inputs.uniform(d.T, d.B, d.H, low=-0.95, high=0.95), "W": gain * inputs.weight(d.H, d.H)}


def make_jacobian_case(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(_states_and_weights(inputs, d, gain=2.0).values()))


def bad_jacobian_shapes(inputs: Inputs) -> list:
    d = Dims()
    args = _states_and_weights(inputs, d)
    wide_W = inputs.weight(d.H, d.H + 1)
    other_W = inputs.weight(d.H + 1, d.H + 1)
    flat_h = inputs.uniform(d.B, d.H)
    return [with_replaced(args, f"h {shape_of(args['h'])} with W {shape_of(wide_W)}", W=wide_W),
            with_replaced(args, f"h {shape_of(args['h'])} with W {shape_of(other_W)}", W=other_W),
            with_replaced(args, f"h {shape_of(flat_h)} (not (T, B, H))", h=flat_h)]


def _long_products(device: str) -> list:
    """Many steps, with a W small enough to vanish and one large enough to grow."""
    return [Case(args=list(_states_and_weights(Inputs(500 + k), Dims(T=30, B=2), gain).values()),
                 label=f"T = 30, W scaled by {gain}") for k, gain in enumerate((0.5, 4.0))]


# clip_grad_norm(grads, max_norm) and clip_grad_value(grads, clip_value) ---------

def _gradient_list(inputs: Inputs, d: Dims, scale: float = 1.0) -> list:
    """Gradients of differently shaped parameters (a matrix, a square one, a vector)."""
    return [scale * inputs.randn(d.H, d.D), scale * inputs.randn(d.H, d.H), scale * inputs.randn(d.K)]


def make_clip_norm(inputs: Inputs, d: Dims) -> Case:
    return Case(args=[_gradient_list(inputs, d), 1.5])


def _norm_cases(*scales_and_limits) -> callable:
    def cases(device):
        return [Case(args=[_gradient_list(Inputs(510 + k), Dims(), scale), limit],
                     label=f"gradients scaled by {scale}, max_norm = {limit}")
                for k, (scale, limit) in enumerate(scales_and_limits)]
    return cases


def make_clip_value(inputs: Inputs, d: Dims) -> Case:
    return Case(args=[_gradient_list(inputs, d), 0.7])


def _value_cases(device: str) -> list:
    return [Case(args=[_gradient_list(Inputs(520), Dims(), 0.1), 5.0], label="nothing to clip"),
            Case(args=[_gradient_list(Inputs(521), Dims(), 10.0), 0.01], label="clip_value = 0.01")]


SPECS = [
    Spec("step_jacobians", make_jacobian_case, grad_wrt=STATES_AND_W, bad_shapes=bad_jacobian_shapes,
         outputs=("J (T, B, H, H)",)),
    Spec("gradient_norms_through_time", make_jacobian_case, grad_wrt=STATES_AND_W,
         bad_shapes=bad_jacobian_shapes, extra_checks=[
             Check("long products that vanish or grow",
                   "Multiply the step Jacobians from J(T) down to J(t+1) and take the largest singular value "
                   "of each product (the last column, t = T, is 1).",
                   _long_products, matches_reference(grads=True)),
         ], outputs=("norms (B, T)",)),
    Spec("clip_grad_norm", make_clip_norm, uses_batch=False, uses_time=False, differentiable=False,
         extra_checks=[
             Check("agrees with torch.nn.utils.clip_grad_norm_ to 1e-6",
                   "Use the global 2-norm of all gradients together and the factor max_norm / (norm + 1e-6), "
                   "never above 1 (gradients below max_norm stay as they are).",
                   _norm_cases((1.0, 0.5), (1e-3, 1e-4), (3.0, 20.0), (0.1, 5.0)), matches_reference(tol=TORCH_TOLERANCE)),
         ], outputs=("clipped", "total_norm")),
    Spec("clip_grad_value", make_clip_value, uses_batch=False, uses_time=False, differentiable=False,
         extra_checks=[
             Check("clips each entry to [-clip_value, clip_value]",
                   "Clamp every entry of every gradient separately; entries inside the range stay as they are.",
                   _value_cases, matches_reference()),
         ], outputs=("clipped",)),
]
