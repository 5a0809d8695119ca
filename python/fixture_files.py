"""Files of the fixture folder: atomic writes, SHA-256 and the manifest's up-to-date test."""
import hashlib
import json
import os


def write_bytes(path: str, data: bytes) -> None:
    """Writes to a per-process temporary name, then renames into place."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_text(path: str, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def up_to_date(out: str, wanted_hash: str) -> bool:
    path = os.path.join(out, "manifest.json")
    try:
        with open(path, "r", encoding="utf-8") as f:
            manifest = json.load(f)
        if manifest.get("inputs_hash") != wanted_hash:
            return False
        return all(os.path.getsize(os.path.join(out, e["file"])) == e["size"] for e in manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
