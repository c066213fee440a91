"""Parse the Working Group report on China's first review (A/HRC/11/25, 2009) into plain facts.

The text (../shared/data/china_2009_wg_report_A-HRC-11-25.txt) is one line: paragraphs, numbered items
and footnotes run on. Pure functions, no database: `parse_report(text, state_names=…)` returns what
`build_reference_fixtures` writes to fixtures/06_china_2009.json. A name the report uses that
`state_names` (normalised spelling → ISO3) cannot map raises `ReportParseError`: never a guess.

Texts are kept as extracted (the extraction renders some hyphens as dots: "non.refoulement"); the only
change is that the footnote printed inside paragraph 28 (the 55 delegations not heard) is taken out of
that paragraph's text and kept as the footnote it is.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from apps.states.models import normalize_state_name

SYMBOL = "A/HRC/11/25"
FIRST_PARAGRAPH, LAST_PARAGRAPH = 1, 118
DIALOGUE = range(27, 114)  # "B. Interactive dialogue and responses by the State under review" (26–113)
CHINA = "CHN"

# Paragraphs 114–117 of section II and the response each gives (the report's own words as the label).
RESPONSES: dict[int, tuple[str, str]] = {
    114: ("supported", "enjoy the support of China"),
    115: ("noted", "noted: already being implemented or implemented"),
    116: ("pending", "will be examined by China"),
    117: ("noted", "did not enjoy the support of China"),
}


class ReportParseError(ValueError):
    """The report's text is not shaped as expected, or names a state that cannot be mapped."""


@dataclass(frozen=True)
class Recommendation:
    paragraph: str  # as the report numbers it: "114.28", "27(b)", "31"
    text: str  # as printed, attributions "(Sweden)" included
    states: tuple[str, ...]  # ISO3, in the order the item names them
    response: str  # supported, noted or pending
    response_label: str  # the report's words
    section: int  # 114, 115, 116 or 117
    note: str = ""  # where the report's reference needs a word of explanation


@dataclass(frozen=True)
class DialogueStatement:
    order: int  # 1 for the first delegation the report summarises
    paragraph: int
    delegation: str  # the name as printed
    state: str  # ISO3
    text: str  # the report's summary of the statement


@dataclass(frozen=True)
class ListedState:
    name: str  # as printed
    state: str  # ISO3


@dataclass(frozen=True)
class Report:
    paragraphs: dict[int, str]
    recommendations: tuple[Recommendation, ...]
    statements: tuple[DialogueStatement, ...]
    not_heard: tuple[ListedState, ...]  # the footnote to paragraph 26
    not_heard_footnote: str
    advance_questions: tuple[ListedState, ...]  # paragraph 4
    speakers_stated: int  # "statements were made by 60 delegations" (paragraph 26)
    not_heard_stated: int  # "Fifty-five delegations were not able to make their statements"


FOOTNOTE = re.compile(r"\s*\*\*\* (?P<names>[^*]*?\band Cameroon\.)\s*")
_NUMBER_WORDS = {"fifty-five": 55, "sixty": 60}
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|No|e\.g|i\.e)|\b[A-Z])$")


def split_paragraphs(text: str) -> tuple[dict[int, str], str]:
    """Paragraphs 1–118 by number (without their number) and the footnote *** found among them.

    Paragraph n is the first "n. " followed by a capital after paragraph n-1; the search starts after
    the table of contents, at "Introduction 1.".
    """
    start = text.find("Introduction 1. ")
    if start < 0:
        raise ReportParseError("No 'Introduction 1.' in the text: not the report A/HRC/11/25?")
    footnote = FOOTNOTE.search(text, start)
    if footnote is None:
        raise ReportParseError("The footnote *** listing the delegations not heard is missing.")
    body = text[: footnote.start()] + " " + text[footnote.end() :]
    starts: list[tuple[int, int, int]] = []
    position = start
    for number in range(FIRST_PARAGRAPH, LAST_PARAGRAPH + 1):
        match = re.compile(rf"(?<=\s){number}\. (?=[A-Z“\"])").search(body, position)
        if match is None:
            raise ReportParseError(f"Paragraph {number} not found.")
        starts.append((number, match.start(), match.end()))
        position = match.end()
    annex = body.find(" Annex Composition of the delegation", position)
    ends = [s for _, s, _ in starts[1:]] + [annex if annex > 0 else len(body)]
    paragraphs = {
        number: body[text_start:end].strip() for (number, _, text_start), end in zip(starts, ends, strict=True)
    }
    return paragraphs, footnote.group("names")


def state_of(name: str, state_names: Mapping[str, str]) -> str:
    iso3 = state_names.get(normalize_state_name(name.strip().removeprefix("the ").removeprefix("The ")))
    if iso3 is None:
        raise ReportParseError(f"The report names {name!r}, which no state alias maps.")
    return iso3


def split_state_list(names: str, state_names: Mapping[str, str]) -> tuple[ListedState, ...]:
    """ "A, B and C", "A, B, and C" → A, B, C; a name with "and" in it (Trinidad and Tobago) stays whole."""
    listed: list[ListedState] = []
    for part in names.strip().rstrip(".").split(","):
        part = part.strip().removeprefix("and ").strip()
        if not part:
            continue
        if normalize_state_name(part.removeprefix("the ")) in state_names:
            pieces = [part]
        else:
            pieces = [piece.strip() for piece in re.split(r"\s+and\s+", part) if piece.strip()]
        listed.extend(ListedState(piece, state_of(piece, state_names)) for piece in pieces)
    return tuple(listed)


def parse_not_heard(footnote: str, state_names: Mapping[str, str]) -> tuple[ListedState, ...]:
    return split_state_list(footnote, state_names)


def parse_advance_questions(paragraph_4: str, state_names: Mapping[str, str]) -> tuple[ListedState, ...]:
    match = re.match(r"A list of questions prepared in advance by (?P<names>.+?) was transmitted", paragraph_4)
    if match is None:
        raise ReportParseError("Paragraph 4 does not list the states that prepared questions in advance.")
    return split_state_list(match.group("names"), state_names)


def numbered_items(section: str) -> list[tuple[int, str]]:
    """The items "1. …", "2. …" of a paragraph of section II, in order (each found after the previous)."""
    found: list[tuple[int, int, int]] = []
    position = 0
    number = 1
    while True:
        match = re.compile(rf"(?:^|(?<=[\s:;.]))\s*{number}\. (?=[A-Z])").search(section, position)
        if match is None:
            break
        found.append((number, match.start(), match.end()))
        position = match.end()
        number += 1
    ends = [s for _, s, _ in found[1:]] + [len(section)]
    return [(n, section[text_start:end].strip()) for (n, _, text_start), end in zip(found, ends, strict=True)]


ATTRIBUTION = re.compile(r"\((?P<names>[^()]+)\)(?=\s*(?:[;.]|$))")


def attributed_states(item: str, state_names: Mapping[str, str]) -> tuple[str, ...]:
    """Every state an item attributes its text to, "(Argentina, Brazil, Austria)", in order, once each."""
    states: list[str] = []
    for match in ATTRIBUTION.finditer(item):
        for listed in split_state_list(match.group("names"), state_names):
            if listed.state not in states:
                states.append(listed.state)
    if not states:
        raise ReportParseError(f"No recommending state in {item[:80]!r}.")
    return tuple(states)


REFERENCE = re.compile(r"(?P<number>\d+)\s*(?P<letters>(?:\s*\([a-z]\),?)*)")


def paragraph_117_references(paragraph_117: str) -> list[tuple[int, str | None]]:
    """(paragraph, letter or None) for "27 (b), (c), … 31, 38, … 97" in the order paragraph 117 gives them."""
    match = re.search(r"in paragraphs (?P<refs>.+?) did not enjoy the support of China", paragraph_117)
    if match is None:
        raise ReportParseError("Paragraph 117 does not read 'in paragraphs … did not enjoy the support of China'.")
    references: list[tuple[int, str | None]] = []
    for ref in REFERENCE.finditer(match.group("refs")):
        letters = re.findall(r"\(([a-z])\)", ref.group("letters"))
        number = int(ref.group("number"))
        if number not in DIALOGUE:
            raise ReportParseError(f"Paragraph 117 refers to paragraph {number}, outside the dialogue.")
        references.extend([(number, letter) for letter in letters] or [(number, None)])
    return references


def lettered_item(paragraph: str, letter: str) -> str:
    """The text of item (b) of a dialogue paragraph: from its letter to the next letter or the end of its sentence.

    Letters are printed "(b)", "b)" or "(b)" glued to the next word; the next letter is searched after this one.
    """

    def marker(of: str) -> re.Pattern[str]:
        return re.compile(rf"(?:^|(?<=[\s;:,]))\(?{of}\)\s*")

    match = marker(letter).search(paragraph)
    if match is None:
        raise ReportParseError(f"No item ({letter}) in {paragraph[:60]!r}.")
    following = marker(chr(ord(letter) + 1)).search(paragraph, match.end())
    item = paragraph[match.end() : following.start() if following else len(paragraph)]
    # Cut at the end of the item's sentence: the report's narration goes on after it.
    for stop in re.finditer(r"\.\s+(?=[A-Z])", item):
        if not _ABBREVIATION.search(item[: stop.start()]):
            item = item[: stop.start() + 1]
            break
    item = re.sub(r"(?:[;,]?\s*(?:and)?\s*)$", "", item.strip())
    return item.strip()


def parse_recommendations(paragraphs: Mapping[int, str], state_names: Mapping[str, str]) -> list[Recommendation]:
    """Section II: the items of paragraphs 114–116, then the dialogue items paragraph 117 lists."""
    recommendations: list[Recommendation] = []
    for number in (114, 115, 116):
        response, label = RESPONSES[number]
        intro, colon, items = paragraphs[number].partition(":")
        if not colon:
            raise ReportParseError(f"Paragraph {number} has no list of recommendations.")
        for item_number, item in numbered_items(items):
            recommendations.append(
                Recommendation(
                    paragraph=f"{number}.{item_number}",
                    text=item,
                    states=attributed_states(item, state_names),
                    response=response,
                    response_label=label,
                    section=number,
                )
            )
    response, label = RESPONSES[117]
    speakers = {s.paragraph: s for s in parse_statements(paragraphs, state_names)}
    for number, letter in paragraph_117_references(paragraphs[117]):
        speaker = speakers.get(number)
        if speaker is None:
            raise ReportParseError(f"Paragraph 117 refers to paragraph {number}, which no delegation spoke.")
        text, note = _referred_text(paragraphs[number], number, letter)
        recommendations.append(
            Recommendation(
                paragraph=f"{number}({letter})" if letter else str(number),
                text=text,
                states=(speaker.state,),
                response=response,
                response_label=label,
                section=117,
                note=note,
            )
        )
    return recommendations


def _referred_text(paragraph: str, number: int, letter: str | None) -> tuple[str, str]:
    """The text paragraph 117 refers to, and a note where it is a whole paragraph of the dialogue."""
    if letter is None:
        whole = f"Paragraph 117 refers to the whole of paragraph {number} of the dialogue"
    else:
        whole = f"Paragraph 117 refers to {number} ({letter}), but paragraph {number} has no lettered items"
    whole += ": the text is that paragraph as the report summarises it."
    if letter is None:
        return paragraph, whole
    if letter == "a" and not re.search(r"(?:^|(?<=[\s;:,]))\(?[ab]\)", paragraph):
        return paragraph, whole
    return lettered_item(paragraph, letter), ""


LEAD = re.compile(
    r"^(?:Noting [^,]*(?:,[^,]*?)*?, (?=(?:The )?[A-Z]))?(?:The )?"
    r"(?P<name>[A-Z][\w’'-]*(?: (?:of|and|the|[A-Z][\w’'-]*))*)"
)


def parse_statements(paragraphs: Mapping[int, str], state_names: Mapping[str, str]) -> list[DialogueStatement]:
    """One statement per paragraph of the dialogue whose subject is a delegation other than China's.

    The subject is the paragraph's leading name ("Australia welcomed", "The Netherlands noted", "Noting …,
    Egypt expressed"); a paragraph led by China's delegation or by a topic ("Regarding …") is a response.
    """
    statements: list[DialogueStatement] = []
    for number in DIALOGUE:
        text = paragraphs[number]
        match = LEAD.match(text)
        name = match.group("name") if match else ""
        found = _longest_state_prefix(name, state_names)
        if found is None or found[0] == CHINA:
            continue
        iso3, delegation = found
        statements.append(
            DialogueStatement(order=len(statements) + 1, paragraph=number, delegation=delegation, state=iso3, text=text)
        )
    return statements


def _longest_state_prefix(name: str, state_names: Mapping[str, str]) -> tuple[str, str] | None:
    words = name.split()
    for end in range(len(words), 0, -1):
        candidate = " ".join(words[:end])
        iso3 = state_names.get(normalize_state_name(candidate))
        if iso3 is not None:
            return iso3, candidate
    return None


def _stated_count(paragraph_26: str, pattern: str) -> int:
    match = re.search(pattern, paragraph_26)
    if match is None:
        raise ReportParseError(f"Paragraph 26 does not say {pattern!r}.")
    word = match.group(1).casefold()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def parse_report(text: str, *, state_names: Mapping[str, str]) -> Report:
    """Every fact the record takes from A/HRC/11/25; `state_names` maps normalised spellings to ISO3."""
    paragraphs, footnote = split_paragraphs(text)
    return Report(
        paragraphs=paragraphs,
        recommendations=tuple(parse_recommendations(paragraphs, state_names)),
        statements=tuple(parse_statements(paragraphs, state_names)),
        not_heard=parse_not_heard(footnote, state_names),
        not_heard_footnote=footnote,
        advance_questions=parse_advance_questions(paragraphs[4], state_names),
        speakers_stated=_stated_count(paragraphs[26], r"statements were made by (\w+) delegations"),
        not_heard_stated=_stated_count(paragraphs[26], r"([\w-]+) delegations were not able to make their statements"),
    )
