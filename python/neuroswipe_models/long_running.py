"""Random-initialised models made to run long: sharper output distributions and a raised ``<eos>`` bias.

A random-initialised seed model ends most hypotheses after a few tokens, so its candidate lists are short and
a search rarely goes deep. Multiplying the output layer's weight by ``OUTPUT_SCALE`` sharpens every
distribution (the top-k cuts and pruning gaps grow with it), and raising the ``<eos>`` logit's bias by
``eos_bias`` (between 0 and +3 in the project's fixtures) makes hypotheses long: searches then run tens of
steps and return long candidate lists, which is where the decoder-step caches are exercised hardest.
"""
import torch
from torch import nn

from .contract import NeuroswipeModel

#: The output layer's weight is multiplied by this.
OUTPUT_SCALE = 8.0
#: Class index of ``<eos>``: the 33 competition characters come first (SEED-SPEC §4.1).
EOS_CLASS = 33
#: Range of the ``<eos>`` bias increase used by the fixtures.
EOS_BIAS_RANGE = (0.0, 3.0)


def output_layer(model: NeuroswipeModel) -> nn.Linear:
    """The seed model's final ``nn.Linear`` (``decoder.out`` in the legacy family, ``out`` in v3)."""
    inner = model.model
    layer = getattr(inner, "out", None)
    if layer is None:
        layer = inner.decoder.out
    if not isinstance(layer, nn.Linear):
        raise TypeError(f"{type(inner).__name__}: no output nn.Linear found")
    return layer


def make_long_running(model: NeuroswipeModel, eos_bias: float, scale: float = OUTPUT_SCALE) -> NeuroswipeModel:
    """In place: the output weight times ``scale``, ``eos_bias`` added to the ``<eos>`` logit's bias."""
    lo, hi = EOS_BIAS_RANGE
    if not lo <= eos_bias <= hi:
        raise ValueError(f"eos_bias {eos_bias} is outside [{lo}, {hi}]")
    layer = output_layer(model)
    with torch.no_grad():
        layer.weight.mul_(scale)
        layer.bias[EOS_CLASS] += eos_bias
    return model
