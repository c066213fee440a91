import hashlib
import re

_SPACE = re.compile(r"\s+")


def recommendation_fingerprint(text: str) -> str:
    """A hash of the text that ignores case, spacing and a final list separator, to match re-imports."""
    normal = _SPACE.sub(" ", text.replace("\u2019", "'")).strip().rstrip(";.").strip().casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
