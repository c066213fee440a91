"""Match names in a file to our records: states through the alias table, sessions, reviews and themes.

Everything is loaded once into dictionaries, so matching 41,066 rows costs a handful of queries.
Sessions, reviews and UPR Info/OHCHR themes missing from the database are created here, each
validated with full_clean(), inside the import's transaction (a dry run rolls them back).
"""

import difflib
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from apps.recommendations.importers.readers import RowRejected, ThemeRef
from apps.reviews.calendar_rules import cycle_number_for_session
from apps.reviews.models import Cycle, Review, Session
from apps.states.models import MemberState, StateAlias, normalize_state_name
from apps.vocabulary.models import Theme

# Schemes whose terms an import may add: their names come with the file. Our project's own themes
# are curated by hand, so an unknown project theme is a rejected row.
CREATABLE_SCHEMES = {Theme.Scheme.UPR_INFO, Theme.Scheme.OHCHR, Theme.Scheme.UHRI, Theme.Scheme.SDG}


def check_fields(model: type[Model], label: str, values: dict[str, Any]) -> None:
    """Reject a row whose values break the model fields' own limits (integer range, length, choices).

    Run on the records a row would create (sessions, themes) before anything is written: a session number
    of 32,768 passed the reader and failed full_clean() mid-import, an uncaught ValidationError (a 500 in
    the admin). The fields' validators know the database's ranges (a small integer stops at 32,767).
    """
    errors = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        try:
            field.clean(value, None)  # type: ignore[union-attr]
        except ValidationError as exc:
            shown = value if isinstance(value, int) else repr(str(value)[:40])
            errors.append(f"{label} {name} {shown}: {' '.join(exc.messages)}")
    if errors:
        raise RowRejected("; ".join(errors))


class Matcher:
    def __init__(self) -> None:
        self.states_by_iso3 = {state.iso3: state for state in MemberState.objects.all()}
        by_id = {state.pk: state for state in self.states_by_iso3.values()}
        self.states_by_key = {
            normalized: by_id[state_id]
            for normalized, state_id in StateAlias.objects.values_list("normalized", "state_id")
        }
        for state in by_id.values():
            self.states_by_key.setdefault(normalize_state_name(state.name), state)
        self.spellings = sorted({alias for alias in StateAlias.objects.values_list("name", flat=True)})
        # Every spelling of each state, to recognise the attributions printed in a text ("(Cape Verde);").
        self.names_by_state: dict[int, list[str]] = {
            state.pk: [name for name in (state.name, state.formal_name, state.common_name) if name]
            for state in by_id.values()
        }
        for state_id, alias in StateAlias.objects.values_list("state_id", "name"):
            self.names_by_state[state_id].append(alias)
        self.unknown_states: Counter[str] = Counter()
        self.cycles = {cycle.number: cycle for cycle in Cycle.objects.all()}
        self.sessions = {session.number: session for session in Session.objects.all()}
        self.reviews = {
            (review.state_under_review_id, review.session.number): review
            for review in Review.objects.select_related("session")
        }
        self.themes = {(theme.scheme, theme.code): theme for theme in Theme.objects.all()}
        self.created_sessions: list[int] = []
        self.created_reviews: list[str] = []
        self.created_themes: list[str] = []
        self._theme_names: dict[tuple[str, str], str] = {}

    # -- states -----------------------------------------------------------------------------------
    def state(self, name: str, role: str) -> MemberState:
        state = self.states_by_iso3.get(name) if len(name) == 3 and name.isupper() else None
        state = state or self.states_by_key.get(normalize_state_name(name))
        if state is None:
            self.unknown_states[name] += 1
            raise RowRejected(f"unknown {role} {name!r}{self.suggestion(name)}")
        return state

    def state_spellings(self, states: list[MemberState]) -> list[str]:
        return [name for state in states for name in self.names_by_state.get(state.pk, [state.name])]

    def suggestions(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, self.spellings, n=3, cutoff=0.75)

    def suggestion(self, name: str) -> str:
        found = self.suggestions(name)
        return f" (did you mean {' or '.join(repr(s) for s in found)}?)" if found else ""

    # -- sessions and reviews ---------------------------------------------------------------------
    def check_session(self, number: int) -> None:
        """Reject a session number out of the field's range, or whose cycle we do not know (cycles carry facts
        we cannot invent)."""
        if number in self.sessions:
            return
        check_fields(Session, "session", {"number": number})
        if cycle_number_for_session(number) not in self.cycles:
            raise RowRejected(
                f"session {number} belongs to cycle {cycle_number_for_session(number)}, not in the database"
            )

    def review(self, state: MemberState, session_number: int) -> Review:
        """The review of `state` in the session, created (with its session) when missing."""
        key = (state.pk, session_number)
        if key in self.reviews:
            return self.reviews[key]
        session = self.sessions.get(session_number)
        if session is None:
            session = Session(number=session_number, cycle=self.cycles[cycle_number_for_session(session_number)])
            session.full_clean()
            session.save()
            self.sessions[session_number] = session
            self.created_sessions.append(session_number)
        # A review whose recommendations are in a Working Group report has taken place.
        review = Review(state_under_review=state, session=session, status=Review.Status.COMPLETED)
        review.full_clean()
        review.save()
        self.reviews[key] = review
        self.created_reviews.append(f"{state.iso3} in session {session_number}")
        return review

    # -- themes -----------------------------------------------------------------------------------
    def check_theme(self, ref: ThemeRef) -> None:
        if (ref.scheme, ref.code) in self.themes:
            return
        if ref.scheme not in CREATABLE_SCHEMES or not ref.name:
            raise RowRejected(f"unknown theme {ref.scheme}:{ref.code[:80]}")
        check_fields(Theme, "theme", {"code": ref.code})
        self._theme_names.setdefault((ref.scheme, ref.code), ref.name)

    def theme(self, ref: ThemeRef) -> Theme:
        key = (ref.scheme, ref.code)
        if key not in self.themes:
            theme = Theme(scheme=ref.scheme, code=ref.code, name=self._theme_names.get(key, ref.name)[:200])
            theme.full_clean()
            theme.save()
            self.themes[key] = theme
            self.created_themes.append(f"{ref.scheme}:{ref.code}")
        return self.themes[key]
