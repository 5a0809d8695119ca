"""The ``<arch>.reference.json`` cases of the test fixtures: inputs and PyTorch outputs of ``encode``,
``decode`` and ``decode_last``, and a step-by-step ``decode_step`` run, as JSON tensors."""
from typing import List, Optional

import torch
from torch import Tensor

from neuroswipe_models.export import TOLERANCE, check_inputs
from neuroswipe_models.incremental_check import run_schedule, schedule_diff


def tensor_json(t: Optional[Tensor]) -> Optional[dict]:
    """``{"shape", "dtype", "data"}``; float32 values as Python floats (exact float32 round trip)."""
    if t is None:
        return None
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bool:
        data: List = [bool(v) for v in t.reshape(-1).tolist()]
    elif t.dtype.is_floating_point:
        data = [float(v) for v in t.reshape(-1).tolist()]
    else:
        data = [int(v) for v in t.reshape(-1).tolist()]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data}


def reference_case(name: str, model, tcfg, seed: int, lengths: List[int], token_lengths: List[int],
                   masked: bool) -> dict:
    traj, keys, pad, tokens, tl = check_inputs(tcfg, model, seed, lengths, token_lengths)
    mask = pad if masked else None
    with torch.no_grad():
        memory = model.encode(traj, keys, mask)
        logits = model.decode(tokens, memory, mask)
        last = model.decode_last(tokens, tl, memory, mask)
    return {
        "name": name,
        "swipe_lengths": lengths,
        "token_lengths": token_lengths,
        "inputs": {"traj": tensor_json(traj), "keys": tensor_json(keys), "src_pad_mask": tensor_json(mask),
                   "tokens": tensor_json(tokens), "lengths": tensor_json(tl)},
        "outputs": {"memory": tensor_json(memory), "logits": tensor_json(logits), "decode_last": tensor_json(last)},
    }


def incremental_case(model, tcfg, seed: int) -> dict:
    """Step-by-step decoding of a B=2 batch (swipe lengths 6, 3 with the padding mask; prefixes 4, 2).

    Four ``decode_step`` calls; row ``b`` is at position ``step mod token_lengths[b]`` (row 1 restarts from
    an empty cache at step 2). ``mem_kv`` is ``memory_kv``'s ``[L,2,B,H,S,Dh]`` (``Dh = D/H``); the steps get
    it as a view of a longer buffer, with the mask as recorded. Each step lists what was passed (``tokens``,
    ``self_len``, ``self_kv`` = the cache slice ``[L,2,B,H,max(self_len),Dh]``, whose slots
    ``t >= self_len[b]`` hold stale entries or noise) and what came back (``logits``,
    ``new_kv [L,2,B,H,Dh]``); after a step, row ``b``'s ``new_kv[:, :, b]`` is the cache entry
    ``self_kv[:, :, b, :, self_len[b]]`` of later steps. ``decode_logits`` is ``decode`` of the full prefixes:
    step logits equal ``decode_logits[self_len[b], b]``.
    """
    lengths, token_lengths, n_steps = [6, 3], [4, 2], 4
    traj, keys, pad, tokens, _ = check_inputs(tcfg, model, seed, lengths, token_lengths)
    with torch.no_grad():
        memory = model.encode(traj, keys, pad)
        logits = model.decode(tokens, memory, pad)
        run = run_schedule(model, tokens, token_lengths, memory, pad, n_steps, seed)
    diff = schedule_diff(logits, run)
    assert diff <= TOLERANCE, f"decode_step differs from decode by {diff}"
    steps = [{k: tensor_json(rec[k]) for k in ("tokens", "self_len", "self_kv", "logits", "new_kv")}
             for rec in run["steps"]]
    return {
        "name": "batch2_padded_steps",
        "swipe_lengths": lengths,
        "token_lengths": token_lengths,
        "inputs": {"traj": tensor_json(traj), "keys": tensor_json(keys), "src_pad_mask": tensor_json(pad),
                   "tokens": tensor_json(tokens), "memory": tensor_json(memory), "memory_pad_mask": tensor_json(pad)},
        "outputs": {"mem_kv": tensor_json(run["mem_kv"]), "decode_logits": tensor_json(logits)},
        "steps": steps,
    }
