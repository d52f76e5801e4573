"""The catalogue of common mistakes in the ch03 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included (except the answers labelled ``no_shape_check`` and
those that skip one argument check on purpose), so the hidden check that must
catch that mistake is the one that fails. The argument checks are shared
text, spliced in by ``_answer``; every value of ``WRONG`` is still the
complete source of a solution cell.
"""
from . import answer

_MODEL_SHAPES = '''
if x.dim() != 3:
    raise ValueError(f"x must be (T, B, D), got {tuple(x.shape)}")
T, B, D = x.shape
H, K = U.shape[0], V.shape[0]
if U.shape != (H, D) or W.shape != (H, K) or V.shape != (K, H) or b.shape != (H,) or c.shape != (K,):
    raise ValueError(f"inconsistent shapes: x {tuple(x.shape)}, U {tuple(U.shape)}, W {tuple(W.shape)}, "
                     f"V {tuple(V.shape)}, b {tuple(b.shape)}, c {tuple(c.shape)}")
'''

_TARGET_SHAPES = '''
if y.shape != (T, B):
    raise ValueError(f"y must be (T, B) = {(T, B)} for x {tuple(x.shape)}, got {tuple(y.shape)}")
'''

_EPS_RANGE = '''
if not 0.0 <= eps <= 1.0:
    raise ValueError(f"eps is a probability in [0, 1], got {eps}")
'''

_KNOWN_SCHEDULE = '''
if schedule not in ("linear", "exponential", "inverse_sigmoid"):
    raise ValueError(f"unknown schedule {schedule!r}: use 'linear', 'exponential' or 'inverse_sigmoid'")
'''

_SCHEDULE_PARAMETERS = '''
if schedule == "linear" and c is None:
    raise ValueError("the linear schedule max(eps_min, k - c*i) needs its slope c")
'''

_K_RANGE = '''
if schedule == "exponential" and not 0 < k < 1:
    raise ValueError(f"the exponential schedule k**i needs 0 < k < 1, got k = {k}")
if schedule == "inverse_sigmoid" and not k >= 1:
    raise ValueError(f"the inverse sigmoid schedule needs k >= 1, got k = {k}")
'''

_TEACHER = ("teacher_forced_logits(x, y, U, W, V, b, c)", _MODEL_SHAPES + _TARGET_SHAPES)
_FREE = ("free_running_logits(x, U, W, V, b, c)", _MODEL_SHAPES)
_SCHEDULED_SIGNATURE = "scheduled_sampling_logits(x, y, U, W, V, b, c, eps, generator)"
_SCHEDULED = (_SCHEDULED_SIGNATURE, _EPS_RANGE + _MODEL_SHAPES + _TARGET_SHAPES)
_SCHEDULED_ANY_EPS = (_SCHEDULED_SIGNATURE, _MODEL_SHAPES + _TARGET_SHAPES)
_SCHEDULED_ANY_SHAPES = (_SCHEDULED_SIGNATURE, _EPS_RANGE)
_SCHEDULE_SIGNATURE = "sampling_probability(i, schedule, k, c=None, eps_min=0.0)"
_SCHEDULE = (_SCHEDULE_SIGNATURE, _KNOWN_SCHEDULE + _SCHEDULE_PARAMETERS + _K_RANGE)
_SCHEDULE_ANY_NAME = (_SCHEDULE_SIGNATURE, _SCHEDULE_PARAMETERS + _K_RANGE)
_SCHEDULE_ANY_K = (_SCHEDULE_SIGNATURE, _KNOWN_SCHEDULE + _SCHEDULE_PARAMETERS)


def _scheduleanswer(*body: str, function: tuple = _SCHEDULE) -> str:
    return answer(function, *body, imports="import math")


# The inverse sigmoid k / (k + exp(i/k)) = 1 / (1 + exp(z)), z = i/k - log k, without overflow.
_STABLE_INVERSE_SIGMOID = '''
z = i / k - math.log(k)
if z > 0:
    return math.exp(-z) / (1.0 + math.exp(-z))
return 1.0 / (1.0 + math.exp(z))
'''

WRONG = {
    "teacher_forced_logits": {
        "loop_over_time": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            logits = []
            for t in range(T):
                h_t = torch.tanh(b + yin[t] @ W.T + x[t] @ U.T)
                logits.append(c + h_t @ V.T)
            return torch.stack(logits)
        '''),
        "feeds_y_t_instead_of_y_t_minus_1": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            yin = (y[:, :, None] == classes).to(x.dtype)
            h = torch.tanh(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "first_input_wraps_around_with_roll": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            yin = (torch.roll(y, shifts=1, dims=0)[:, :, None] == classes).to(x.dtype)
            h = torch.tanh(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "transposed_feedback_weight": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            h = torch.tanh(b + yin @ W + x @ U.T)
            return c + h @ V.T
        '''),
        "missing_hidden_bias": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            h = torch.tanh(yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "relu_instead_of_tanh": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            h = torch.relu(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "zeros_created_on_the_cpu": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).to(x.dtype)
            yin = torch.cat([torch.zeros(1, B, K, dtype=x.dtype), previous])
            h = torch.tanh(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "one_hot_hard_coded_float64": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).double()
            yin = torch.cat([previous.new_zeros(1, B, K), previous])
            h = torch.tanh(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "computed_under_no_grad": answer(_TEACHER, '''
            with torch.no_grad():
                classes = torch.arange(K, device=x.device)
                previous = (y[:-1, :, None] == classes).to(x.dtype)
                yin = torch.cat([x.new_zeros(1, B, K), previous])
                h = torch.tanh(b + yin @ W.T + x @ U.T)
                return c + h @ V.T
        '''),
        "shifts_y_in_place": answer(_TEACHER, '''
            classes = torch.arange(K, device=x.device)
            shifted = y
            shifted[1:] = y[:-1].clone()
            previous = (shifted[1:, :, None] == classes).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            h = torch.tanh(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        '''),
        "no_shape_check": answer(_TEACHER, '''
            T, B, D = x.shape
            K = V.shape[0]
            classes = torch.arange(K, device=x.device)
            previous = (y[:-1, :, None] == classes).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            h = torch.tanh(b + yin @ W.T + x @ U.T)
            return c + h @ V.T
        ''', checked=False),
    },
    "free_running_logits": {
        "feeds_the_prediction_two_steps_back": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            yin, next_yin = x.new_zeros(B, K), x.new_zeros(B, K)
            logits, predictions = [], []
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin, next_yin = next_yin, (y_hat_t[:, None] == classes).to(x.dtype)
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "samples_from_the_softmax_instead_of_argmax": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = torch.multinomial(torch.softmax(o_t.detach(), dim=-1), 1).squeeze(-1)
                yin = (y_hat_t[:, None] == classes).to(x.dtype)
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "feeds_back_the_softmax": answer(_FREE, '''
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                yin = torch.softmax(o_t, dim=-1)
                logits.append(o_t)
                predictions.append(o_t.argmax(dim=-1))
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "y_hat_returned_as_float": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin = (y_hat_t[:, None] == classes).to(x.dtype)
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions).to(x.dtype)
        '''),
        "starts_from_class_0_instead_of_zeros": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            start = torch.zeros(B, dtype=torch.long, device=x.device)
            yin = (start[:, None] == classes).to(x.dtype)
            logits, predictions = [], []
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin = (y_hat_t[:, None] == classes).to(x.dtype)
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "missing_output_bias": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for t in range(T):
                o_t = torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin = (y_hat_t[:, None] == classes).to(x.dtype)
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "buffers_created_as_float32_on_the_cpu": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits, predictions = torch.zeros(T, B, K), torch.zeros(T, B, dtype=torch.long)
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin = (y_hat_t[:, None] == classes).to(x.dtype)
                logits[t] = o_t
                predictions[t] = y_hat_t
            return logits, predictions
        '''),
        "computed_under_no_grad": answer(_FREE, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            with torch.no_grad():
                for t in range(T):
                    o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                    y_hat_t = o_t.argmax(dim=-1)
                    yin = (y_hat_t[:, None] == classes).to(x.dtype)
                    logits.append(o_t)
                    predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "no_shape_check": answer(_FREE, '''
            T, B, D = x.shape
            K = V.shape[0]
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for t in range(T):
                o_t = c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin = (y_hat_t[:, None] == classes).to(x.dtype)
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        ''', checked=False),
    },
    "sampling_probability": {
        "returns_a_tensor": answer(_SCHEDULE, '''
            if schedule == "linear":
                return torch.tensor(max(eps_min, k - c * i))
            if schedule == "exponential":
                return torch.tensor(k, dtype=torch.float64) ** i
            return torch.sigmoid(-torch.tensor(i / k - math.log(k), dtype=torch.float64))
        ''', imports="import math\n\nimport torch"),
        "returns_a_numpy_float32": answer(_SCHEDULE, '''
            if schedule == "linear":
                return np.maximum(np.float32(eps_min), np.float32(k - c * i))
            if schedule == "exponential":
                return np.float32(k) ** i
            return np.float32(1.0) / (1 + np.exp(np.float32(i / k - math.log(k))))
        ''', imports="import math\n\nimport numpy as np"),
        "ignores_eps_min": _scheduleanswer('''
            if schedule == "linear":
                return float(k - c * i)
            if schedule == "exponential":
                return float(k ** i)
        ''', _STABLE_INVERSE_SIGMOID),
        "linear_schedule_starts_at_1_not_k": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, 1.0 - c * i))
            if schedule == "exponential":
                return float(k ** i)
        ''', _STABLE_INVERSE_SIGMOID),
        "eps_min_applied_to_every_schedule": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return float(max(eps_min, k ** i))
            z = i / k - math.log(k)
            if z > 0:
                return max(eps_min, math.exp(-z) / (1.0 + math.exp(-z)))
            return max(eps_min, 1.0 / (1.0 + math.exp(z)))
        '''),
        "exponential_as_exp_of_minus_k_i": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return math.exp(-k * i)
        ''', _STABLE_INVERSE_SIGMOID),
        "inverse_sigmoid_overflows": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return float(k ** i)
            return k / (k + math.exp(i / k))
        '''),
        "inverse_sigmoid_with_exp_k_over_i": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return float(k ** i)
            return k / (k + math.exp(k / i))
        '''),
        "no_error_for_an_unknown_schedule": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return float(k ** i)
        ''', _STABLE_INVERSE_SIGMOID, function=_SCHEDULE_ANY_NAME),
        "no_range_check_of_k": _scheduleanswer('''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return float(k ** i)
        ''', _STABLE_INVERSE_SIGMOID, function=_SCHEDULE_ANY_K),
    },
    "scheduled_sampling_logits": {
        "draws_from_the_global_rng": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, device=x.device) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "feeds_the_truth_with_probability_1_minus_eps": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator, device=x.device) >= eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "one_draw_per_step_for_the_whole_batch": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(1, generator=generator, device=x.device) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "always_feeds_the_truth": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    yin = (y[t - 1][:, None] == classes).to(x.dtype)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "feeds_y_t_instead_of_y_t_minus_1": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator, device=x.device) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "first_input_is_the_first_target": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = (y[0][:, None] == classes).to(x.dtype)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator, device=x.device) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "draws_on_the_cpu": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "computed_under_no_grad": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            with torch.no_grad():
                for t in range(T):
                    if t > 0:
                        truth = (y[t - 1][:, None] == classes).to(x.dtype)
                        own = (logits[-1].argmax(dim=-1)[:, None] == classes).to(x.dtype)
                        feed_truth = torch.rand(B, generator=generator, device=x.device) < eps
                        yin = torch.where(feed_truth[:, None], truth, own)
                    logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "accepts_eps_outside_0_1": answer(_SCHEDULED_ANY_EPS, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator, device=x.device) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
        "no_shape_check": answer(_SCHEDULED_ANY_SHAPES, '''
            T, B, D = x.shape
            K = V.shape[0]
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator, device=x.device) < eps
                    yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
    },
}

_F = "import torch\nimport torch.nn.functional as F"



SAYS = {
    "teacher_forced_logits": {
        "loop_over_time": "the logits are computed in a Python loop over time where the exercise asks for no loop",
        "feeds_y_t_instead_of_y_t_minus_1": "step t is fed y(t), the target it must predict, where teacher "
                                            "forcing feeds y(t-1)",
        "first_input_wraps_around_with_roll": "the first step is fed the last target (a roll wraps around) where "
                                              "it is fed zeros",
        "transposed_feedback_weight": "the feedback weight appears transposed for the "
                                      "(out_features, in_features) layout",
        "missing_hidden_bias": "the hidden bias b is left out of the pre-activation",
        "relu_instead_of_tanh": "the activation is a ReLU where the recurrence takes tanh",
        "zeros_created_on_the_cpu": "the zeros are created on the CPU, not on the inputs' device",
        "one_hot_hard_coded_float64": "the one-hot targets are float64 whatever the inputs' dtype",
        "computed_under_no_grad": "the logits are computed under torch.no_grad(): no gradient flows back",
        "shifts_y_in_place": "the targets y are shifted in place, modifying the input",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "free_running_logits": {
        "feeds_the_prediction_two_steps_back": "the prediction of two steps back is fed where the previous "
                                               "step's prediction is fed",
        "samples_from_the_softmax_instead_of_argmax": "the fed-back class is sampled from the softmax where "
                                                      "it is the argmax",
        "feeds_back_the_softmax": "the softmax is fed back where the one-hot of the predicted class is fed",
        "y_hat_returned_as_float": "the predicted classes are returned as floats where integers are asked",
        "starts_from_class_0_instead_of_zeros": "the first step is fed the one-hot of class 0 where it is "
                                                "fed zeros",
        "missing_output_bias": "the output bias c is left out of the logits",
        "buffers_created_as_float32_on_the_cpu": "the result buffers are created as float32 on the CPU, not "
                                                 "with the inputs' dtype and device",
        "computed_under_no_grad": "the logits are computed under torch.no_grad(): no gradient flows back",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "sampling_probability": {
        "returns_a_tensor": "a tensor is returned where a Python float is asked",
        "returns_a_numpy_float32": "a NumPy float32 is returned where a Python float is asked",
        "ignores_eps_min": "the floor eps_min is not applied",
        "linear_schedule_starts_at_1_not_k": "the linear schedule starts from 1 where it starts from k",
        "eps_min_applied_to_every_schedule": "the floor eps_min is applied to every schedule, not only to "
                                             "the linear one",
        "exponential_as_exp_of_minus_k_i": "the exponential schedule is computed as exp(-k i) where it is k "
                                           "to the power i",
        "inverse_sigmoid_overflows": "the inverse sigmoid schedule overflows for large i: rewrite it so "
                                     "that no exponential grows without bound",
        "inverse_sigmoid_with_exp_k_over_i": "the inverse sigmoid schedule takes exp(k / i) where it takes "
                                             "exp(i / k)",
        "no_error_for_an_unknown_schedule": "an unknown schedule name is not rejected with ValueError",
        "no_range_check_of_k": "a k outside its allowed range is not rejected with ValueError",
    },
    "scheduled_sampling_logits": {
        "draws_from_the_global_rng": "the draws come from torch's global generator where they come from "
                                     "the generator given",
        "feeds_the_truth_with_probability_1_minus_eps": "the truth is fed with probability 1 - eps where it "
                                                        "is fed with probability eps",
        "one_draw_per_step_for_the_whole_batch": "one draw per step is shared by the whole batch where each "
                                                 "sequence draws its own",
        "always_feeds_the_truth": "the truth is always fed: the model's own predictions are never used",
        "feeds_y_t_instead_of_y_t_minus_1": "step t is fed y(t), the target it must predict, where it is "
                                            "fed y(t-1)",
        "first_input_is_the_first_target": "the first step is fed the first target where it is fed zeros",
        "draws_on_the_cpu": "the random draws are made on the CPU, not on the inputs' device",
        "computed_under_no_grad": "the logits are computed under torch.no_grad(): no gradient flows back",
        "accepts_eps_outside_0_1": "an eps outside [0, 1] is not rejected with ValueError",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
}
