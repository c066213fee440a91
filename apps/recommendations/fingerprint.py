"""The fingerprint that matches re-imports, and the attributions OHCHR prints inside a recommendation's text.

The OHCHR matrix prints each recommendation with its recommending state in brackets, and a joint paragraph
holds several: "Ratify ICCPR (Albania); Ratify ICCPR and CPED (Chile);". We store that text exactly as
printed; the fingerprint and the short display text leave the attributions out, so the same recommendation
from the UPR Info export (one state a row, no brackets) matches it.
"""

import hashlib
import re
from collections.abc import Iterable

# A bracketed group (one level of nesting: "Bolivia (Plurinational State of)") followed by ";", "." or the end.
_ATTRIBUTION = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)\s*(?=[;.]|$)")


def _squash(name: str) -> str:
    """Compare names without spaces: the PDF text splits some ("Sierra Le one", "Plurinational S tate")."""
    return "".join(name.replace("\u2019", "'").split()).casefold()


def strip_attributions(text: str, state_names: Iterable[str]) -> str:
    """`text` without the bracketed attributions that name one of `state_names`, e.g. "(Japan)" before a ";".

    A bracket naming anything else ("(CEDAW)") is kept. Used for the fingerprint and for display only: the
    stored text keeps its attributions.
    """
    names = {_squash(name) for name in state_names if name.strip()}
    if not names:
        return text.strip()

    def drop(match: re.Match[str]) -> str:
        parts = {_squash(part) for part in re.split(r",|\band\b", match.group(1)) if part.strip()}
        return "" if _squash(match.group(1)) in names or (parts and parts <= names) else match.group(0)

    return _ATTRIBUTION.sub(drop, text).strip()


def recommendation_fingerprint(text: str, *, state_names: Iterable[str] = ()) -> str:
    """A hash of the text that ignores case, all spacing, a final list separator and the attributions.

    Spacing is ignored entirely, so a text whose PDF artefacts were corrected ("H uman R ights" → "Human
    Rights", fixtures/errata/) still matches the source row it came from.
    """
    body = strip_attributions(text, state_names)
    normal = "".join(body.replace("\u2019", "'").split()).rstrip(";.").casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
