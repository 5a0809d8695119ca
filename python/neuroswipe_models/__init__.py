"""Rebuilds the seed's swipe-decoding models and exports them in the neuroswipe TorchScript contract.

Modules: ``common`` (positional table, causal mask), ``legacy`` (``m1*``), ``v3`` (``v3_*``),
``gaussian`` (trainable key Gaussians), ``incremental`` (cached one-token decoder steps),
``incremental_check`` (step-by-step decoding against ``decode``), ``registry`` (names, transforms),
``contract`` (the exported wrapper), ``tokenizer`` (char tokens), ``checkpoint`` (strict loading),
``model_format`` (format constants), ``check_inputs`` (random model inputs), ``self_check`` (TorchScript
against eager), ``export`` (script, check, save; the export API).
"""
