"""The long-running model set of ``make_test_models.py --long-running-set N`` (used by
scripts/differential.mjs): long-running and plain random-initialised exports of every registry architecture,
listed in ``long-running.json``."""
import json
import os
from typing import List
import torch

from fixture_files import write_text
from neuroswipe_models.export import make_metadata, prepare_model, save_checked
from neuroswipe_models.long_running import EOS_BIAS_RANGE, make_long_running
from neuroswipe_models.registry import ARCH_NAMES, resolve_transform


def long_running_set(out: str, per_arch: int, seed: int, char_tokens: List[str]) -> int:
    """``per_arch`` long-running and ``per_arch`` plain random-initialised models of every registry architecture,
    made for ``char_tokens``, and ``long-running.json`` listing them."""
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    lo, hi = EOS_BIAS_RANGE
    listed = []
    for i, arch in enumerate(ARCH_NAMES):
        tcfg = resolve_transform(arch)
        meta = make_metadata(arch, tcfg, char_tokens, ["default", "extra"])
        for k in range(per_arch):
            bias = hi if per_arch == 1 else lo + (hi - lo) * (per_arch - 1 - k) / (per_arch - 1)
            model_seed = seed + 100 * i + k
            model = make_long_running(prepare_model(arch, tcfg, seed=model_seed), bias)
            name = f"long_{arch}_{k}.pt"
            diff, step_diff = save_checked(model, tcfg, meta, os.path.join(out, name))
            print(f"{name}: <eos> bias +{bias:.3g}, seed {model_seed}, self-check {diff:.3g}, incremental {step_diff:.3g}")
            listed.append({"file": name, "architecture": arch, "seed": model_seed, "eos_bias": bias})
        for k in range(per_arch):
            model_seed = seed + 100 * i + 50 + k
            name = f"plain_{arch}_{k}.pt"
            diff, step_diff = save_checked(prepare_model(arch, tcfg, seed=model_seed), tcfg, meta, os.path.join(out, name))
            print(f"{name}: seed {model_seed}, self-check {diff:.3g}, incremental {step_diff:.3g}")
            listed.append({"file": name, "architecture": arch, "seed": model_seed, "eos_bias": None})
    write_text(os.path.join(out, "long-running.json"), json.dumps({"models": listed}, indent=1))
    return 0
