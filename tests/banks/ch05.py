"""Wrong implementations of the ch05 graded functions; each must lose points.

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included (except the answers labelled ``no_shape_check``), so
the hidden check that must catch that mistake is the one that fails. The
argument checks and the steps an answer gets right are shared text, spliced
in by ``_answer``; every value of ``WRONG`` is still the complete source of a
solution cell. ``RIGHT`` holds correct answers written unlike the reference;
each must score full marks.
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

RIGHT = {
    "step_jacobians": {
        "diag_embed": answer(_JACOBIANS, '''
            return torch.diag_embed(1 - h ** 2) @ W
        '''),
        "loop_over_steps_and_sequences": answer(_JACOBIANS, '''
            return torch.stack([torch.stack([torch.diag(1 - h_tb ** 2) @ W for h_tb in h_t]) for h_t in h])
        '''),
    },
    "gradient_norms_through_time": {
        "svdvals_into_new_ones": answer(_NORMS, _STEP_JACOBIANS, '''
            norms, product = h.new_ones(B, T), None
            for t in range(T - 1, 0, -1):
                product = jacobians[t] if product is None else product @ jacobians[t]
                norms[:, t - 1] = torch.linalg.svdvals(product)[:, 0]
            return norms
        '''),
    },
    "clip_grad_norm": {
        "python_if_scales_only_when_coef_below_1": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            coefficient = max_norm / (total_norm + 1e-6)
            if coefficient < 1:
                return [g * coefficient.to(device=g.device, dtype=g.dtype) for g in grads], total_norm
            return [g.clone() for g in grads], total_norm
        '''),
        "coefficient_read_with_item": answer(_CLIP_NORM, _GLOBAL_NORM, '''
            coefficient = min(1.0, max_norm / (total_norm.item() + 1e-6))
            return [g * coefficient for g in grads], total_norm
        '''),
        "norm_summed_from_tolist": answer(_CLIP_NORM, '''
            norms = torch.stack([torch.linalg.vector_norm(g).to(grads[0].device) for g in grads])
            total_norm = norms.new_tensor(math.sqrt(sum(n * n for n in norms.tolist())))
        ''', _SCALE, imports="import math\n\nimport torch"),
    },
    "clip_grad_value": {
        "python_if_clamps_only_what_exceeds": answer(_CLIP_VALUE, '''
            clipped = []
            for g in grads:
                if (g.abs() > clip_value).any():
                    g = torch.where(g > clip_value, clip_value, torch.where(g < -clip_value, -clip_value, g))
                clipped.append(g.clone())
            return clipped
        '''),
    },
}
