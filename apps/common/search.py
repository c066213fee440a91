"""Full-text search shared by recommendations and statements.

PostgreSQL: a stored `search_vector` column (GIN-indexed, refreshed by the write services) queried with
`websearch_to_tsquery` (quoted phrases, `-word`, `or`), ranked with ts_rank, with a ts_headline snippet.
Elsewhere (SQLite in `make run`): the same syntax applied as case-insensitive substring matches, no rank.
"""

import re
import secrets
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Q, QuerySet, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "english"


def new_snippet_marker() -> str:
    """A marker for one query's matches, random so that no stored text can hold it (checked anyway).

    ts_headline marks matches with it rather than with HTML tags: the snippet stays plain text until
    snippet_html() escapes it and puts <mark> where the marker is, so a "<script>" in a statement never
    reaches a page. Fixed private-use characters (U+E000/U+E001) could be typed into a statement to forge marks.
    """
    return secrets.token_hex(12)


def _selectors(marker: str) -> tuple[str, str]:
    return f"[{marker}[", f"]{marker}]"


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def websearch_terms(q: str) -> list[list[tuple[bool, str]]]:
    """Parse web-search syntax into OR-groups of (negated, term): `a "b c" -d or e` → [[a, "b c", -d], [e]]."""
    groups: list[list[tuple[bool, str]]] = [[]]
    for match in _TOKEN.finditer(q):
        negated_phrase, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                groups.append([])
                continue
            negated = word.startswith("-") and len(word) > 1
            term = word[1:] if negated else word
            groups[-1].append((negated, term))
        elif phrase.strip():
            groups[-1].append((bool(negated_phrase), phrase.strip()))
    return [group for group in groups if group]


def _fallback_q(q: str, field: str) -> Q | None:
    combined: Q | None = None
    for group in websearch_terms(q):
        clause = Q()
        for negated, term in group:
            contains = Q(**{f"{field}__icontains": term})
            clause &= ~contains if negated else contains
        combined = clause if combined is None else combined | clause
    return combined


def search_queryset(queryset: QuerySet[Any], q: str, *, headline_field: str = "text") -> QuerySet[Any]:
    """Rows matching `q`, annotated with `rank` and `snippet`, best first (PostgreSQL) or by id."""
    q = q.strip()
    if not q:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        marker = new_snippet_marker()
        start_sel, stop_sel = _selectors(marker)
        return (
            queryset.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet=SearchHeadline(
                    headline_field,
                    query,
                    config=SEARCH_CONFIG,
                    start_sel=start_sel,
                    stop_sel=stop_sel,
                    max_words=40,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
                snippet_marker=Value(marker, output_field=TextField()),
                snippet_source=F(headline_field),
            )
            .order_by("-rank", "pk")
        )
    condition = _fallback_q(q, headline_field)
    if condition is None:  # only "or"s or empty quotes: nothing to search for
        return queryset.none()
    return queryset.filter(condition).annotate(snippet=Value(None, output_field=TextField())).order_by("pk")


def snippet_html(row: Any) -> SafeString | None:
    """A search result's snippet (search_queryset's annotations) as HTML: its text escaped, matches in <mark>.

    The snippet is cut at the markers into text and matches; each piece is escaped and only our own <mark>
    tags are put between them. Where the stored text holds the marker after all, nothing is marked.
    """
    snippet = getattr(row, "snippet", None)
    if snippet is None:
        return None
    marker = getattr(row, "snippet_marker", None) or ""
    source = getattr(row, "snippet_source", None) or ""
    if not marker or marker in source:
        start_sel, stop_sel = _selectors(marker) if marker else ("", "")
        plain = snippet.replace(start_sel, "").replace(stop_sel, "") if marker else snippet
        return SafeString(escape(plain))
    start_sel, stop_sel = _selectors(marker)
    pieces: list[str] = []
    for number, part in enumerate(snippet.split(start_sel)):
        if number == 0:
            pieces.append(escape(part))
            continue
        matched, _, rest = part.partition(stop_sel)
        pieces.append(f"<mark>{escape(matched)}</mark>{escape(rest)}")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above; only our own <mark> tags added


# A search matching more rows than this ranks only its newest RANK_CANDIDATES matches (PostgreSQL): ts_rank
# reads every matching row's vector, ~150 ms for a word such as "women" (31,000 of 250,000 recommendations).
RANK_CANDIDATES = 1000


def ranked_page_ids(matches: QuerySet[Any], bottom: int, top: int, *, candidates: int = RANK_CANDIDATES) -> list[Any]:
    """Ids bottom..top of a very common search: the newest `candidates` matches by rank, then the rest newest first.

    `matches` is search_queryset()'s result (filtered, annotated with `rank`). Every match is still listed,
    once, so the count and the pages stay whole; only the order is approximate: a strong match older than
    the newest `candidates` comes after them rather than by its rank.
    """
    newest = matches.order_by("-pk").values_list("pk", flat=True)
    ranked = list(matches.filter(pk__in=newest[:candidates]).order_by("-rank", "pk").values_list("pk", flat=True))
    ids = ranked[bottom:top]
    if top > len(ranked) and ranked:
        skip = max(0, bottom - len(ranked))
        ids += list(newest.filter(pk__lt=min(ranked))[skip : skip + top - bottom - len(ids)])
    return ids
