"""The ch05 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch05``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch05 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _CLIP_NORM, _CLIP_VALUE, _GLOBAL_NORM, _JACOBIANS, _NORMS, _SCALE, _STEP_JACOBIANS,
)

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
