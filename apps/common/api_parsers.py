"""The API's JSON parser: DRF's, with a bound on nesting depth.

Python's json module recurses once per level of nesting: a body of 100,000 "[" (200 kB, under the body limit)
raised RecursionError, a 500. The UPR record's documents nest a few levels (a statement with its lists of
themes and paragraphs); anything deeper than MAX_JSON_DEPTH is refused with a 400 in the error format.
"""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Objects and arrays nested deeper than this are refused; the API's own bodies use 2.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(document: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        item, depth = stack.pop()
        depth += 1
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return False


class DepthLimitedJSONParser(JSONParser):
    """JSON bodies nested at most MAX_JSON_DEPTH levels; deeper (or too deep to decode) is a 400."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        too_deep = _("JSON nested deeper than %(limit)d levels is not accepted.") % {"limit": MAX_JSON_DEPTH}
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(too_deep) from None
        if isinstance(document, dict | list) and json_depth_exceeds(document):
            raise exceptions.ParseError(too_deep)
        return document
