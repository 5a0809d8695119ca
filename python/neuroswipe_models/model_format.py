"""Constants of the neuroswipe model format (docs/MODEL_FORMAT.md) shared by the export and its checks."""

METADATA_FILE = "neuroswipe.json"
D_MODEL = 128
N_CLASSES = 35
MAX_CURVE_LEN = 299
MAX_TOKEN_LEN = 35
N_KB_TOKENS = 36  # keyboard tokenizer ids 0..35 (§4.2)
PAD_TOKEN = 35
SOS_TOKEN = 36
