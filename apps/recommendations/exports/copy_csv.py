"""CSV of recommendations at PostgreSQL's speed: `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`.

The Python writer (writers.csv_stream over columns.export_rows) builds every cell in Python: 18 s for
250,000 rows on a quiet 2-core machine, 84 s on a busy one. Here PostgreSQL builds the cells and quotes them, and Python only passes the bytes on; the
output is byte for byte the Python writer's (tests/recommendations/test_export_copy_csv.py compares
them on nasty texts):

- the same columns in the same order (columns.RECOMMENDATION_COLUMNS), lists joined with `;` in the
  order Python sorts them (code point order: COLLATE "C");
- the same formula neutralisation (writers.escape_csv_cell), done in SQL: a text whose first character
  after any apostrophes is = + - @ tab or CR gets one more apostrophe in front;
- the same quoting: PostgreSQL and Python's csv module both quote a field holding a comma, a quote, CR
  or LF, and double its quotes. PostgreSQL writes a non-NULL empty string as `""`, Python as nothing,
  so empty texts go out as NULL (NULLIF);
- the same line ends: COPY ends a row with LF, Python's csv with CRLF; an LF outside quotes (an even
  number of quotes since the row began) is a row's end and becomes CRLF, one inside a quoted text stays.

XLSX reads the same SELECT, unescaped, through a server-side cursor (recommendations_value_rows): its
cells are typed (strings and numbers), and Python no longer builds the rows from three queries a chunk.

The rows come in the order of the ids given (the list's order), and a record deleted meanwhile is left
out, as in export_rows. A file (an export job, a prebuilt file) is one COPY written straight to it; a
streamed response takes COPY_CHUNK ids per COPY, so memory holds one chunk's bytes.
"""

from collections.abc import Iterable, Iterator
from typing import IO

from django.db import connections, transaction
from django.db.models import CharField, Field, TextField

from apps.recommendations.exports.columns import RECOMMENDATION_COLUMNS
from apps.recommendations.fields import RECOMMENDATION_FIELD_NAMES
from apps.recommendations.models import Recommendation
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme

# Ids per COPY statement of a stream: the chunk's CSV is held in memory (~2 MB).
COPY_CHUNK = 5000
COPY_WORK_MEM = "64MB"
_IDS = "__EXPORT_IDS__"  # where the ids' array literal goes in the SQL


def _escaped(sql: str) -> str:
    """writers.escape_csv_cell in SQL, then '' as NULL (written as nothing, like Python's empty cell)."""
    return (
        f"NULLIF(CASE WHEN left(ltrim({sql}, ''''), 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        f"THEN '''' || {sql} ELSE {sql} END, '')"
    )


def _plain(sql: str) -> str:
    return sql


def _recommendations_sql(*, for_csv: bool = True) -> str:
    """The SELECT of columns.RECOMMENDATION_COLUMNS for the ids of the array parameter, in its order.

    For CSV the texts are escaped and '' is NULL (above); else (XLSX) they are the stored values, NULL where
    a list is empty or a year is unknown.
    """
    escaped = _escaped if for_csv else _plain
    rec = Recommendation._meta.db_table
    states = Recommendation.recommending_states.through._meta.db_table
    themes = Recommendation.themes.through._meta.db_table
    by_code = 'ORDER BY m.iso3 COLLATE "C", m.name COLLATE "C"'
    by_scheme = 'ORDER BY t.scheme COLLATE "C", t.code COLLATE "C", t.name COLLATE "C"'
    derived = {
        "id": "r.id",
        "state_under_review": escaped("su.iso3"),
        "state_under_review_name": escaped("su.name"),
        "year": "EXTRACT(YEAR FROM COALESCE(rv.dialogue_date, se.starts_on))::int",
        "session": "se.number",
        "cycle": "cy.number",
        "recommending_states": escaped("array_to_string(st.pairs[1:][1:1], ';')"),
        "recommending_state_names": escaped("array_to_string(st.pairs[1:][2:2], ';')"),
        "themes": escaped("array_to_string(th.pairs[1:][1:1], ';')"),
        "theme_names": escaped("array_to_string(th.pairs[1:][2:2], ';')"),
        "dprk_refugees_mention": escaped("th.dprk"),
    }
    # The recommendation's own fields (apps/recommendations/fields.py): texts escaped, numbers as they are.
    own = {}
    for name in RECOMMENDATION_FIELD_NAMES:
        field = Recommendation._meta.get_field(name)
        assert isinstance(field, Field), f"{name} is a relation, not a column"
        own[name] = escaped(f"r.{field.column}") if isinstance(field, CharField | TextField) else f"r.{field.column}"
    columns = [{**derived, **own}[name] for name in RECOMMENDATION_COLUMNS]
    # The links are aggregated for the whole chunk at once, not per row (a correlated subquery per row cost
    # ~0.2 ms a row each), and sorted once per recommendation: (code, name) pairs in a two-dimensional array,
    # whose column 1 and column 2 are the codes and the names in the same order.
    return f"""
        WITH k AS (SELECT id, ord FROM unnest({_IDS}::bigint[]) WITH ORDINALITY AS u(id, ord)),
        st AS (
            SELECT l.recommendation_id AS id,
                   array_agg(ARRAY[m.iso3, m.name]::text[] {by_code}) AS pairs
            FROM k JOIN {states} l ON l.recommendation_id = k.id JOIN states_memberstate m ON m.id = l.memberstate_id
            GROUP BY l.recommendation_id
        ),
        th AS (
            SELECT l.recommendation_id AS id,
                   array_agg(ARRAY[t.scheme || ':' || t.code, t.name]::text[] {by_scheme}) AS pairs,
                   max(l.mention) FILTER (WHERE t.scheme = '{Theme.Scheme.PROJECT.value}'
                                          AND t.code = '{DPRK_REFUGEES_THEME_CODE}') AS dprk
            FROM k JOIN {themes} l ON l.recommendation_id = k.id JOIN {Theme._meta.db_table} t ON t.id = l.theme_id
            GROUP BY l.recommendation_id
        )
        SELECT {", ".join(columns)}
        FROM k
        JOIN {rec} r ON r.id = k.id
        JOIN reviews_review rv ON rv.id = r.review_id
        JOIN states_memberstate su ON su.id = rv.state_under_review_id
        JOIN reviews_session se ON se.id = rv.session_id
        JOIN reviews_cycle cy ON cy.id = se.cycle_id
        LEFT JOIN st ON st.id = r.id
        LEFT JOIN th ON th.id = r.id
        ORDER BY k.ord
    """


class _CrlfRows:
    """A file for psycopg2's copy_expert: takes COPY's bytes with each row's LF made CRLF, and keeps them
    (take()) or passes them on to `out`."""

    def __init__(self, out: IO[bytes] | None = None) -> None:
        self.blocks: list[bytes] = []
        self.rows = 0
        self._in_quotes = False
        self._out = out

    def write(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        pieces = data.split(b"\n")
        out: list[bytes] = []
        for piece in pieces[:-1]:
            # Quotes in a quoted field are doubled, so an odd count flips "inside a quoted field".
            if piece.count(b'"') % 2:
                self._in_quotes = not self._in_quotes
            if self._in_quotes:
                out.append(piece + b"\n")
            else:
                out.append(piece + b"\r\n")
                self.rows += 1
        last = pieces[-1]
        if last.count(b'"') % 2:
            self._in_quotes = not self._in_quotes
        out.append(last)
        if self._out is not None:
            self._out.write(b"".join(out))
        else:
            self.blocks.append(b"".join(out))

    def take(self) -> bytes:
        data, self.blocks = b"".join(self.blocks), []
        return data


def copy_csv_available(kind: str, using: str = "default") -> bool:
    """COPY serves recommendations on PostgreSQL through psycopg2 (SQLite keeps the Python writer)."""
    connection = connections[using]
    if kind != "recommendations" or connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    with connection.connection.cursor() as raw:  # psycopg2's; psycopg 3 copies another way
        return hasattr(raw, "copy_expert")


def _copy(sink: _CrlfRows, ids: list[int], using: str) -> None:
    """One COPY of the rows of `ids` into `sink`. The ids go in as an array literal (they are ints: nothing
    to quote), which PostgreSQL parses far faster than a million-element ARRAY[…] constructor."""
    sql = _recommendations_sql().replace(_IDS, "'{" + ",".join(str(int(pk)) for pk in ids) + "}'")
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The final sort by the list's order and the per-recommendation sorts stay in memory (64 MB, this
        # transaction only) instead of spilling to disk: 23 s → 16 s for 250,000 rows on a loaded machine.
        cursor.execute(f"SET LOCAL work_mem = '{COPY_WORK_MEM}'")
        cursor.cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", sink)


def recommendations_csv_write(ids: Iterable[int], out: IO[bytes], *, using: str = "default") -> int:
    """The CSV rows (no header) of recommendations `ids`, in their order, written to `out` by one COPY; returns
    the rows written. For files (export jobs, the prebuilt files): one statement plans one pass over each
    table, where chunks would each scan the link tables again. Memory: the ids (~40 MB for a million)."""
    sink = _CrlfRows(out)
    id_list = list(ids)
    if id_list:
        _copy(sink, id_list, using)
    return sink.rows


def recommendations_csv_rows(ids: Iterable[int], *, using: str = "default") -> Iterator[tuple[int, bytes]]:
    """(rows, CSV bytes without header) for each COPY_CHUNK ids of `ids`, in their order: for streamed
    responses, which are small (EXPORT_SYNC_MAX_ROWS) and send their first bytes early."""
    chunk: list[int] = []

    def copy() -> tuple[int, bytes]:
        sink = _CrlfRows()
        _copy(sink, chunk, using)
        return sink.rows, sink.take()

    for pk in ids:
        chunk.append(pk)
        if len(chunk) == COPY_CHUNK:
            yield copy()
            chunk = []
    if chunk:
        yield copy()


def recommendations_value_rows(ids: Iterable[int], *, using: str = "default") -> Iterator[tuple[object, ...]]:
    """The values of columns.RECOMMENDATION_COLUMNS for `ids`, in their order (lists joined with `;`, as
    the CSV and XLSX cells hold them), read from a server-side cursor 2,000 rows at a time. Outside a
    transaction Django's server-side cursor is WITH HOLD: the caller may write to the database between rows.
    """
    id_list = list(ids)
    if not id_list:
        return
    sql = _recommendations_sql(for_csv=False).replace(_IDS, "'{" + ",".join(str(int(pk)) for pk in id_list) + "}'")
    connection = connections[using]
    with connection.cursor() as setting:
        setting.execute(f"SET work_mem = '{COPY_WORK_MEM}'")
    try:
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while batch := cursor.fetchmany(2000):
                yield from batch
    finally:
        with connection.cursor() as setting:
            setting.execute("RESET work_mem")
