"""The character tokenizer's token list (docs/SEED.md §4.1, ``CharLevelTokenizerv2``)."""
from typing import List

SPECIAL_TOKENS = ["<eos>", "<unk>", "<pad>", "<sos>"]

#: The competition vocabulary's 33 characters (``-`` and а…я without ё), in id order.
COMPETITION_CHARS = "-абвгдежзийклмнопрстуфхцчшщъыьэюя"


def char_tokens_from_text(text: str) -> List[str]:
    """Distinct characters of the file's lines sorted by code point, then ``<eos>, <unk>, <pad>, <sos>``.

    The file is split on ``"\\n"`` only, like the seed, so the newline itself never becomes a token.
    """
    chars = set()
    for line in text.split("\n"):
        chars.update(line)
    return sorted(chars) + list(SPECIAL_TOKENS)


def char_tokens_from_file(path: str) -> List[str]:
    """``char_tokens_from_text`` of a UTF-8 vocabulary file (one word per line)."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc})") from exc
    tokens = char_tokens_from_text(text)
    if len(tokens) == len(SPECIAL_TOKENS):
        raise ValueError(f"{path}: the vocabulary file has no characters")
    return tokens
