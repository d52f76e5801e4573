"""The grader sees an answer that runs PyTorch's own recurrent kernels (the
ch07 exercises forbid them): whichever way the kernel is called, in float32
and float64, with or without gradients, the names of the aten operators that
the call reached (``record_ops``) include one, and the references' do not;
the exercise says so."""
import pytest
import torch

from autograder import paths
from autograder.checks import CHAPTERS
from autograder.checks.ch07 import recurrent_kernels
from autograder.checks.core import Dims, Inputs
from autograder.harness.invoke import invoke
from autograder.notebook import read
from autograder.reference import load_references

D, H, T, B = 3, 4, 5, 2


def _lstm_weights(dtype):
    cell = torch.nn.LSTMCell(D, H, dtype=dtype)
    return [cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach()]


def _gru_weights(dtype):
    cell = torch.nn.GRUCell(D, H, dtype=dtype)
    return [cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach()]


CELL = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
LAYER = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def _module(kind, names):
    """A function of (x, state, *weights) that runs the torch.nn module ``kind``
    with those weights as its parameters ``names``."""
    def run(x, state, *weights):
        module = getattr(torch.nn, kind)(D, H, device="meta")
        return torch.func.functional_call(module, dict(zip(names, weights)), (x, state))
    return run

CALLS = {   # name -> (function, which inputs: "lstm cell", "gru cell", "lstm layer", "gru layer")
    "nn.LSTMCell": (_module("LSTMCell", CELL), "lstm cell"),
    "nn.GRUCell": (_module("GRUCell", CELL), "gru cell"),
    "nn.LSTM": (_module("LSTM", LAYER), "lstm layer"),
    "nn.GRU": (_module("GRU", LAYER), "gru layer"),
    "torch.lstm_cell": (lambda x, state, *w: torch.lstm_cell(x, state, *w), "lstm cell"),
    "torch._VF.lstm_cell": (lambda x, state, *w: torch._VF.lstm_cell(x, state, *w), "lstm cell"),
    "torch.ops.aten.lstm_cell": (lambda x, state, *w: torch.ops.aten.lstm_cell(x, list(state), *w), "lstm cell"),
    "torch.ops.aten.lstm_cell.default": (lambda x, state, *w: torch.ops.aten.lstm_cell.default(x, list(state), *w),
                                         "lstm cell"),
    "torch.gru_cell": (lambda x, state, *w: torch.gru_cell(x, state, *w), "gru cell"),
    "torch._VF.lstm": (lambda x, state, *w: torch._VF.lstm(x, state, tuple(w), True, 1, 0.0, False, False, False),
                       "lstm layer"),
}


def _arguments(inputs: str, dtype) -> list:
    gen = torch.Generator().manual_seed(0)
    layer = inputs.endswith("layer")
    x = torch.randn((T, B, D) if layer else (B, D), generator=gen, dtype=dtype)
    h = torch.randn((1, B, H) if layer else (B, H), generator=gen, dtype=dtype)
    lstm = inputs.startswith("lstm")
    state = (h, torch.randn(h.shape, generator=gen, dtype=dtype)) if lstm else h
    return [x, state, *(_lstm_weights(dtype) if lstm else _gru_weights(dtype))]


@pytest.mark.parametrize("grad", [False, True], ids=["values", "gradients"])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", CALLS)
def test_every_way_of_calling_a_recurrent_kernel_is_seen(name, dtype, grad):
    fn, inputs = CALLS[name]
    case = {"fn": name, "args": _arguments(inputs, dtype), "device": "cpu", "record_ops": True,
            "grad_wrt": [0] if grad else []}
    result = invoke(fn, case)
    assert result["ok"], result
    assert recurrent_kernels(result["op_names"]), result["op_names"]


@pytest.mark.parametrize("spec", CHAPTERS["ch07"], ids=lambda spec: spec.name)
def test_the_references_run_no_recurrent_kernel_and_pass_the_main_check(spec):
    reference = load_references("ch07")[spec.name]
    case = spec.make(Inputs(0), Dims())
    assert case.record_ops
    result = invoke(reference, case.message(spec.name, "cpu"))
    assert result["ok"] and "aten::sigmoid" in result["op_names"], result
    assert recurrent_kernels(result["op_names"]) == []
    assert spec.main_judge(case, result, result, "cpu") is None


def test_the_names_of_the_kernels():
    kernels = ["aten::lstm", "aten::lstm_cell", "aten::gru_cell", "aten::gru.input", "aten::rnn_tanh",
               "aten::rnn_relu_cell", "aten::_thnn_fused_lstm_cell", "aten::_thnn_fused_gru_cell",
               "aten::mkldnn_rnn_layer", "aten::_cudnn_rnn", "aten::miopen_rnn", "aten::quantized_lstm_cell"]
    others = ["aten::addmm", "aten::sigmoid", "aten::tanh_", "aten::unsafe_split", "aten::group_norm",
              "aten::chunk", "aten::lerp.Tensor", "aten::linear"]
    assert recurrent_kernels(kernels + others) == kernels


def test_the_exercise_says_that_the_kernels_earn_no_points():
    intro = read(paths.release_notebook("ch07")).cells[0].source
    for name in ("torch.nn.LSTM", "torch.nn.GRU", "torch.nn.LSTMCell", "torch.nn.GRUCell", "torch.lstm_cell",
                 "torch.gru_cell", "torch._VF"):
        assert f"`{name}`" in intro, name
    assert "does not earn the points of the main check" in intro
