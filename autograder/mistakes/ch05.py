"""The catalogue of common mistakes in the ch05 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included (except the answers labelled ``no_shape_check``), so
the hidden check that must catch that mistake is the one that fails. The
argument checks and the steps an answer gets right are shared text, spliced
in by ``_answer``; every value of ``WRONG`` is still the complete source of a
solution cell.
"""
from . import answer

_STATE_SHAPES = '''
if h.dim() != 3:
    raise ValueError(f"h must be (T, B, H), got {tuple(h.shape)}")
T, B, H = h.shape
if W.shape != (H, H):
    raise ValueError(f"W must be (H, H) = {(H, H)} for h {tuple(h.shape)}, got {tuple(W.shape)}")
'''

_NOT_EMPTY = '''
grads = list(grads)
if not grads:
    raise ValueError("grads is empty: there is nothing to clip")
'''

_JACOBIANS = ("step_jacobians(h, W)", _STATE_SHAPES)
_NORMS = ("gradient_norms_through_time(h, W)", _STATE_SHAPES)
_CLIP_NORM = ("clip_grad_norm(grads, max_norm)", _NOT_EMPTY)
_CLIP_VALUE = ("clip_grad_value(grads, clip_value)", "")


# gradient_norms_through_time, right: the step Jacobians J(1..T), then the
# products dh(T)/dh(t) = J(T) ... J(t+1) for t = T-1 down to 1.

_STEP_JACOBIANS = '''
jacobians = (1 - h ** 2)[..., None] * W
'''

_PRODUCTS = '''
norms, product = [h.new_ones(B)], None
for t in range(T - 1, 0, -1):
    product = jacobians[t] if product is None else product @ jacobians[t]
    norms.append(torch.linalg.matrix_norm(product, ord=2))
'''

# clip_grad_norm, right: the global norm and the factor min(1, max_norm / (norm + 1e-6)).

_GLOBAL_NORM = '''
norms = torch.stack([torch.linalg.vector_norm(g).to(grads[0].device) for g in grads])
total_norm = torch.linalg.vector_norm(norms)
'''

_SCALE = '''
coefficient = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
return [g * coefficient.to(device=g.device, dtype=g.dtype) for g in grads], total_norm
'''

WRONG = {
    "step_jacobians": {
        "transposed_W": answer(_JACOBIANS, '''
            return (1 - h ** 2)[..., None] * W.T
        '''),
        "scales_the_columns_W_diag": answer(_JACOBIANS, '''
            return (1 - h ** 2)[..., None, :] * W
        '''),
        "one_minus_h_instead_of_h_squared": answer(_JACOBIANS, '''
            return (1 - h)[..., None] * W
        '''),
        "uses_h_t_minus_1_instead_of_h_t": answer(_JACOBIANS, '''
            h_prev = torch.cat([torch.zeros_like(h[:1]), h[:-1]])
            return (1 - h_prev ** 2)[..., None] * W
        '''),
        "one_jacobian_too_few": answer(_JACOBIANS, '''
            return (1 - h[1:] ** 2)[..., None] * W
        '''),
        "identity_created_on_the_cpu": answer(_JACOBIANS, '''
            return (torch.eye(H) * (1 - h ** 2)[..., None]) @ W
        '''),
        "detaches_h": answer(_JACOBIANS, '''
            return (1 - h.detach() ** 2)[..., None] * W
        '''),
        "squares_h_in_place": answer(_JACOBIANS, '''
            return (1 - h.mul_(h))[..., None] * W
        '''),
        "no_shape_check": answer(_JACOBIANS, '''
            return (1 - h ** 2)[..., None] * W
        ''', checked=False),
    },
    "gradient_norms_through_time": {
        "frobenius_instead_of_spectral_norm": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = [h.new_ones(B)], None
            for t in range(T - 1, 0, -1):
                product = jacobians[t] if product is None else product @ jacobians[t]
                norms.append(torch.linalg.matrix_norm(product))
            return torch.stack(norms[::-1], dim=1)
        '''),
        "largest_eigenvalue_instead_of_singular_value": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = [h.new_ones(B)], None
            for t in range(T - 1, 0, -1):
                product = jacobians[t] if product is None else product @ jacobians[t]
                norms.append(torch.linalg.eigvals(product).abs().amax(dim=-1))
            return torch.stack(norms[::-1], dim=1)
        '''),
        "products_in_the_wrong_order": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = [h.new_ones(B)], None
            for t in range(T - 1, 0, -1):
                product = jacobians[t] if product is None else jacobians[t] @ product
                norms.append(torch.linalg.matrix_norm(product, ord=2))
            return torch.stack(norms[::-1], dim=1)
        '''),
        "one_jacobian_too_many": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = [], None
            for t in range(T - 1, -1, -1):
                product = jacobians[t] if product is None else product @ jacobians[t]
                norms.append(torch.linalg.matrix_norm(product, ord=2))
            return torch.stack(norms[::-1], dim=1)
        '''),
        "missing_the_identity_column": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = [], None
            for t in range(T - 1, 0, -1):
                product = jacobians[t] if product is None else product @ jacobians[t]
                norms.append(torch.linalg.matrix_norm(product, ord=2))
            return torch.stack(norms[::-1], dim=1) if norms else h.new_zeros(B, 0)
        '''),
        "reversed_time_axis": answer(_NORMS, _STEP_JACOBIANS, _PRODUCTS, '''
            return torch.stack(norms, dim=1)
        '''),
        "returns_T_by_B": answer(_NORMS, _STEP_JACOBIANS, _PRODUCTS, '''
            return torch.stack(norms[::-1])
        '''),
        "jacobians_with_W_transposed": answer(_NORMS, '''
            jacobians = (1 - h ** 2)[..., None] * W.T
        ''', _PRODUCTS, '''
            return torch.stack(norms[::-1], dim=1)
        '''),
        "identity_column_created_on_the_cpu": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = [torch.ones(B)], None
            for t in range(T - 1, 0, -1):
                product = jacobians[t] if product is None else product @ jacobians[t]
                norms.append(torch.linalg.matrix_norm(product, ord=2))
            return torch.stack(norms[::-1], dim=1)
        '''),
        "computed_under_no_grad": answer(_NORMS, '''
            with torch.no_grad():
                jacobians = (1 - h ** 2)[..., None] * W
        ''', _PRODUCTS, '''
            return torch.stack(norms[::-1], dim=1)
        '''),
        "no_shape_check": answer(_NORMS, '''
            T, B, H = h.shape
        ''', _STEP_JACOBIANS, _PRODUCTS, '''
            return torch.stack(norms[::-1], dim=1)
        ''', checked=False),
    },
    "clip_grad_norm": {
        "clips_in_place": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            coefficient = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            for g in grads:
                g.mul_(coefficient.to(device=g.device, dtype=g.dtype))
            return grads, total_norm
        '''),
        "without_the_1e_minus_6": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            coefficient = torch.clamp(max_norm / total_norm, max=1.0)
            return [g * coefficient.to(device=g.device, dtype=g.dtype) for g in grads], total_norm
        '''),
        "no_clamp_at_1_scales_small_gradients_up": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            coefficient = max_norm / (total_norm + 1e-6)
            return [g * coefficient.to(device=g.device, dtype=g.dtype) for g in grads], total_norm
        '''),
        "per_tensor_norms": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            clipped = [g * torch.clamp(max_norm / (torch.linalg.vector_norm(g) + 1e-6), max=1.0) for g in grads]
            return clipped, total_norm
        '''),
        "squared_norm_without_the_root": answer(_CLIP_NORM, '''
            total_norm = torch.stack([(g ** 2).sum().to(grads[0].device) for g in grads]).sum()
        ''', _SCALE),
        "returns_a_python_float_norm": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            coefficient = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
            return [g * coefficient.to(device=g.device, dtype=g.dtype) for g in grads], total_norm.item()
        '''),
        "norm_computed_in_float32": answer(_CLIP_NORM, '''
            norms = torch.stack([torch.linalg.vector_norm(g.float()).to(grads[0].device) for g in grads])
            total_norm = torch.linalg.vector_norm(norms)
        ''', _SCALE),
    },
    "clip_grad_value": {
        "clamps_in_place": answer(_CLIP_VALUE, '''
            for g in grads:
                g.clamp_(min=-clip_value, max=clip_value)
            return list(grads)
        '''),
        "clamps_to_0_and_clip_value": answer(_CLIP_VALUE, '''
            return [g.clamp(min=0.0, max=clip_value) for g in grads]
        '''),
        "only_the_upper_bound": answer(_CLIP_VALUE, '''
            return [g.clamp(max=clip_value) for g in grads]
        '''),
        "large_entries_set_to_plus_clip_value": answer(_CLIP_VALUE, '''
            return [torch.where(g.abs() > clip_value, clip_value, g) for g in grads]
        '''),
        "clips_each_tensor_by_norm": answer(_CLIP_VALUE, '''
            return [g * torch.clamp(clip_value / (torch.linalg.vector_norm(g) + 1e-6), max=1.0) for g in grads]
        '''),
        "bounds_created_as_float32_on_the_cpu": answer(_CLIP_VALUE, '''
            return [torch.minimum(torch.maximum(g, torch.full(g.shape, -clip_value)), torch.full(g.shape, clip_value))
                    for g in grads]
        '''),
    },
}



SAYS = {
    "step_jacobians": {
        "transposed_W": "W appears transposed in the Jacobians",
        "scales_the_columns_W_diag": "the tanh derivative scales the columns of W (W diag) where it scales "
                                     "the rows (diag W)",
        "one_minus_h_instead_of_h_squared": "the tanh derivative is taken as 1 - h where it is 1 - h^2",
        "uses_h_t_minus_1_instead_of_h_t": "the Jacobian of step t uses h(t-1) where it uses h(t)",
        "one_jacobian_too_few": "one Jacobian too few is returned",
        "identity_created_on_the_cpu": "the identity is created on the CPU, not on the inputs' device",
        "detaches_h": "h is detached: no gradient flows back",
        "squares_h_in_place": "h is squared in place, modifying the input",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "gradient_norms_through_time": {
        "frobenius_instead_of_spectral_norm": "the Frobenius norm is taken where the spectral norm is asked",
        "largest_eigenvalue_instead_of_singular_value": "the largest eigenvalue is taken where the largest "
                                                        "singular value is asked",
        "products_in_the_wrong_order": "the Jacobians are multiplied in the wrong order",
        "one_jacobian_too_many": "each product holds one Jacobian too many",
        "missing_the_identity_column": "the identity (the norm for a gap of zero steps) is missing",
        "reversed_time_axis": "the time axis is reversed",
        "returns_T_by_B": "the result is laid out (T, B) where (B, T) is asked",
        "jacobians_with_W_transposed": "the Jacobians use W transposed",
        "identity_column_created_on_the_cpu": "the identity is created on the CPU, not on the inputs' device",
        "computed_under_no_grad": "the norms are computed under torch.no_grad(): no gradient flows back",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "clip_grad_norm": {
        "clips_in_place": "the gradients are clipped in place, modifying the inputs",
        "without_the_1e_minus_6": "the small constant 1e-6 is left out of the scaling factor's denominator",
        "no_clamp_at_1_scales_small_gradients_up": "the factor is not capped at 1: small gradients are scaled up",
        "per_tensor_norms": "each tensor is clipped by its own norm where one global norm is used",
        "squared_norm_without_the_root": "the squared norm is used where the norm (its square root) is asked",
        "returns_a_python_float_norm": "the norm is returned as a Python float where a tensor is asked",
        "norm_computed_in_float32": "the norm is computed in float32 whatever the gradients' dtype",
    },
    "clip_grad_value": {
        "clamps_in_place": "the gradients are clamped in place, modifying the inputs",
        "clamps_to_0_and_clip_value": "the entries are clamped to [0, clip_value] where the range is "
                                      "[-clip_value, clip_value]",
        "only_the_upper_bound": "only the upper bound is applied",
        "large_entries_set_to_plus_clip_value": "every entry beyond the bound becomes +clip_value, negative "
                                                "ones included",
        "clips_each_tensor_by_norm": "each tensor is clipped by its norm where each entry is clamped",
        "bounds_created_as_float32_on_the_cpu": "the bounds are created as float32 on the CPU, not with the "
                                                "gradients' dtype and device",
    },
}
