"""Decode an uploaded file: find its encoding (UTF-8 with or without BOM, Windows-1252, Mac Roman) and line ending."""

import re
from dataclasses import dataclass

import charset_normalizer

from apps.recommendations.importers.report import MalformedFileError

# The single-byte encodings our sources come in. Mac Roman maps every byte, so charset-normalizer's
# "chaos" measure is what tells a Windows-1252 file from a Mac Roman one.
SINGLE_BYTE_CANDIDATES = ["cp1252", "mac_roman"]
ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 with BOM",
    "cp1252": "Windows-1252",
    "mac_roman": "Mac Roman",
}
_FOREIGN_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass(frozen=True)
class DecodedFile:
    text: str
    encoding: str
    line_ending: str
    how: str

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES.get(self.encoding, self.encoding)


def line_ending_of(data: bytes) -> str:
    """CRLF, CR (classic Mac OS, as in the UPR Info export), LF, mixed, or none."""
    crlf = data.count(b"\r\n")
    cr = data.count(b"\r") - crlf
    lf = data.count(b"\n") - crlf
    kinds = [name for name, count in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if count]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed (" + ", ".join(kinds) + ")"


def physical_line_count(text: str) -> int:
    """Lines of a decoded text, whatever their endings (CR, LF, CRLF); a last line without one counts."""
    crlf = text.count("\r\n")
    endings = text.count("\r") + text.count("\n") - crlf
    return endings + (1 if text and not text.endswith(("\r", "\n")) else 0)


def decode_file(data: bytes, *, prefer: str = "cp1252", encoding: str | None = None) -> DecodedFile:
    """Decode `data`, choosing the encoding unless one is given.

    1. An explicit encoding is used as is (strict).
    2. A UTF-16/32 byte-order mark is refused with a clear message; a UTF-8 BOM means UTF-8.
    3. Bytes that decode as UTF-8 are UTF-8 (a legacy single-byte file almost never does).
    4. Otherwise charset-normalizer picks between Windows-1252 and Mac Roman by the least "chaos".
       It often ties on files that are mostly ASCII (as the UPR Info export is); then the reading that
       puts lower-case letters inside words wins, and on a further tie `prefer`, the format's usual one.
    """
    ending = line_ending_of(data)
    if encoding:
        try:
            return DecodedFile(data.decode(encoding), encoding, ending, "given with --encoding")
        except (LookupError, UnicodeDecodeError) as exc:
            raise MalformedFileError(f"cannot be read as {encoding}: {exc}") from exc
    for bom, name in _FOREIGN_BOMS.items():
        if data.startswith(bom):
            raise MalformedFileError(f"is encoded in {name}; save it as UTF-8 (or Windows-1252, Mac Roman) and retry")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return DecodedFile(data.decode("utf_8_sig"), "utf_8_sig", ending, "byte-order mark")
        except UnicodeDecodeError as exc:
            raise MalformedFileError(f"starts with a UTF-8 byte-order mark but is not UTF-8: {exc}") from exc
    if data.count(b"\x00") > len(data) // 20:
        raise MalformedFileError("looks binary or UTF-16 (many NUL bytes): not a CSV text file")
    try:
        return DecodedFile(data.decode("utf_8"), "utf_8", ending, "valid UTF-8")
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=SINGLE_BYTE_CANDIDATES))
    if not matches:
        raise MalformedFileError("is neither UTF-8, Windows-1252 nor Mac Roman text (charset-normalizer found no fit)")
    least = min(match.chaos for match in matches)
    tied = [match.encoding for match in matches if match.chaos <= least + 0.01]
    how = f"charset-normalizer, chaos {least:.2f}"
    if len(tied) == 1:
        return DecodedFile(data.decode(tied[0]), tied[0], ending, how)
    texts = {name: data.decode(name) for name in tied}
    scores = {name: _word_shape_score(text) for name, text in texts.items()}
    best = max(scores.values())
    leaders = [name for name in tied if scores[name] == best]
    chosen = prefer if prefer in leaders else leaders[0]
    names = ", ".join(ENCODING_NAMES.get(e, e) for e in tied)
    reason = "where accented letters fall in words" if len(leaders) == 1 else "the format's usual encoding"
    return DecodedFile(texts[chosen], chosen, ending, f"{how}; tie between {names} resolved by {reason}")


_NON_ASCII_AFTER_LOWER = re.compile(r"(?<=[a-z])[^\x00-\x7f]")


def _word_shape_score(text: str) -> int:
    """Lower-case accented letters after a lower-case letter, minus capitals there.

    Windows-1252 and Mac Roman put letters and symbols at different bytes: "Genève" read the wrong way
    becomes "GenËve" (Mac Roman), and Mac Roman's "Sécurité" read as Windows-1252 becomes "SŽcuritŽ".
    """
    score = 0
    for match in _NON_ASCII_AFTER_LOWER.finditer(text):
        char = match.group()
        score += 1 if char.islower() else -1 if char.isupper() else 0
    return score
