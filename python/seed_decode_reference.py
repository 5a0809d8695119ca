#!/usr/bin/env python3
"""The seed's greedy and best-first beam searches (docs/SEED.md §6.2-6.4), written out literally in Python
over a neuroswipe TorchScript model, one swipe and one hypothesis per model call. Used by the test suite as
an independent oracle for the native decoder's reference mode (same libtorch, same model calls, so the
scores are expected to be bit-identical).

Input (JSON file): {"model": PATH, "generator": "greedy"|"beam", "max_steps": int, "beamsize": int,
"normalization_factor": float, "return_hypotheses": int|null, "vocab": [words] | null,
"swipes": [{"length": S, "n_traj": F, "n_key": K, "traj": [S*F floats], "keys": [S ints | S*K floats]}]}
Output (JSON on stdout): [[[score, word], ...] per swipe].
"""
import heapq
import json
import sys

import torch


def build_allowed(vocab, char_tokens):
    """Prefix table of §6.2: tuple(prefix ids) -> set of allowed next ids."""
    ids = {t: i for i, t in enumerate(char_tokens)}
    sos, eos, unk = ids["<sos>"], ids["<eos>"], ids["<unk>"]
    table = {}
    for word in vocab:
        t = [sos] + [ids.get(c, unk) for c in word] + [eos]
        for i in range(1, len(t)):
            table.setdefault(tuple(t[:i]), set()).add(t[i])
    return table


class Seed:
    def __init__(self, model, meta, allowed):
        self.model = model
        self.tokens = meta["char_tokens"]
        self.n_classes = meta["n_classes"]
        self.sos = self.tokens.index("<sos>")
        self.eos = self.tokens.index("<eos>")
        self.allowed = allowed

    def decode_word(self, ids):
        return "".join(self.tokens[i] for i in ids)

    def logits(self, memory, prefix):
        tokens = torch.tensor(prefix, dtype=torch.int64).reshape(-1, 1)
        return self.model.decode(tokens, memory, None)[-1, 0]

    def mask(self, prefix, logits):
        if self.allowed is None:
            return logits
        allowed = self.allowed.get(tuple(prefix), set())
        unallowed = [i for i in range(self.n_classes) if i not in allowed]
        logits = logits.clone()
        if unallowed:
            logits[torch.tensor(unallowed, dtype=torch.int64)] = float("-inf")
        return logits

    def greedy(self, memory, max_steps):
        tokens = [self.sos]
        logp_sum = 0.0
        for _ in range(max_steps):
            lp = torch.log_softmax(self.mask(tokens, self.logits(memory, tokens)), dim=-1)
            k = int(torch.argmax(lp).item())
            logp_sum += float(lp[k].item())
            tokens.append(k)
            if k == self.eos:
                break
        return [(-logp_sum, self.decode_word(tokens[1:-1]))]

    def beam(self, memory, max_steps, return_n, beamsize, nf):
        partial = [(0, [self.sos])]
        final = []
        while partial:
            score, h = heapq.heappop(partial)
            lp = torch.log_softmax(self.mask(h, self.logits(memory, h)), dim=-1)
            vals, ids = torch.topk(lp, beamsize)
            for v, k in zip(vals, ids):
                v = float(v.item())
                k = int(k.item())
                if v == float("-inf"):
                    continue
                n = len(h)
                s_new = (score * n ** nf - v) / (n + 1) ** nf
                h_new = h + [k]
                if k == self.eos or len(h_new) - 1 >= max_steps:
                    final.append((s_new, h_new))
                else:
                    heapq.heappush(partial, (s_new, h_new))
            if len(partial) > beamsize:
                partial = heapq.nsmallest(beamsize, partial)
                heapq.heapify(partial)
        results = sorted((s, self.decode_word(h[1:-1])) for s, h in final)
        return results if return_n is None else results[:return_n]


def main():
    job = json.load(open(sys.argv[1], encoding="utf-8"))
    torch.set_num_threads(1)
    # Like the addon: the plain TorchScript interpreter, which runs the same ATen ops as eager PyTorch.
    torch._C._set_graph_executor_optimize(False)
    files = {"neuroswipe.json": ""}
    model = torch.jit.load(job["model"], map_location="cpu", _extra_files=files)
    model.eval()
    meta = json.loads(files["neuroswipe.json"])
    allowed = build_allowed(job["vocab"], meta["char_tokens"]) if job.get("vocab") else None
    seed = Seed(model, meta, allowed)
    out = []
    with torch.inference_mode():
        for s in job["swipes"]:
            S, F, K = s["length"], s["n_traj"], s["n_key"]
            traj = torch.tensor(s["traj"], dtype=torch.float32).reshape(S, 1, F)
            if K == 0:
                keys = torch.tensor(s["keys"], dtype=torch.int64).reshape(S, 1)
            else:
                keys = torch.tensor(s["keys"], dtype=torch.float32).reshape(S, 1, K)
            memory = model.encode(traj, keys, None)
            if job["generator"] == "greedy":
                out.append(seed.greedy(memory, job["max_steps"]))
            else:
                out.append(seed.beam(memory, job["max_steps"], job.get("return_hypotheses"), job["beamsize"], job["normalization_factor"]))
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
