"""Reads the workspace's pages need, with the joins that keep each page to a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.reviews.models import Deadline, Review, SpeakersListEntry, Stakeholder, Statement
from apps.states.models import MemberState
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme

DEFAULT_STATE_ISO3 = "CHN"


def theme_refugees() -> Theme | None:
    """The project's own theme, North Korean refugees / non-refoulement, the default filter everywhere."""
    return Theme.objects.filter(scheme=Theme.Scheme.PROJECT, code=DPRK_REFUGEES_THEME_CODE).first()


def review_next_for_state(*, iso3: str = DEFAULT_STATE_ISO3) -> Review | None:
    """The state's next review: the first whose dialogue is today or later (or not yet dated)."""
    today = timezone.localdate()
    return (
        Review.objects.filter(state_under_review__iso3=iso3)
        .filter(Q(dialogue_date__gte=today) | Q(dialogue_date__isnull=True))
        .select_related("state_under_review", "session__cycle")
        .order_by("session__number")
        .first()
    )


def _count_of(model: type[Recommendation] | type[Statement]) -> Coalesce:
    """A review's number of rows of `model`, as a correlated subquery.

    Two Count() annotations over two joins would multiply the rows (346 recommendations × 150
    statements for China 2018): the subqueries keep the review page at a few milliseconds.
    """
    rows = model.objects.filter(review=OuterRef("pk")).order_by().values("review").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), 0)


def review_detail(*, review_id: int) -> Review | None:
    return (
        Review.objects.select_related("state_under_review", "session__cycle")
        .prefetch_related("troika")
        .annotate(recommendations_loaded=_count_of(Recommendation), statements_loaded=_count_of(Statement))
        .filter(pk=review_id)
        .first()
    )


def review_choice_list() -> QuerySet[Review]:
    """Reviews offered in forms, most recent session first."""
    return Review.objects.select_related("state_under_review", "session").order_by(
        "-session__number", "state_under_review__name"
    )


def review_default_for_logging() -> Review | None:
    """The review a new statement most likely belongs to: the latest whose dialogue has begun."""
    today = timezone.localdate()
    return (
        review_choice_list().filter(dialogue_date__lte=today).first()
        or review_choice_list().order_by("session__number").first()
    )


def deadline_list_for_review(*, review: Review) -> QuerySet[Deadline]:
    return Deadline.objects.filter(review=review).order_by("due_at")


def statement_list_for_review(*, review: Review) -> QuerySet[Statement]:
    """A review's statements in speaking order, forum by forum."""
    return (
        Statement.objects.filter(review=review)
        .select_related("speaker_state", "speaker_stakeholder", "logged_by")
        .prefetch_related("themes", "recommendations")
        .order_by("forum", "speaking_order", "id")
    )


def statement_recent_list(*, limit: int = 10) -> QuerySet[Statement]:
    """The latest statements logged, for the dashboard."""
    return (
        Statement.objects.select_related(
            "speaker_state", "speaker_stakeholder", "review__state_under_review", "review__session"
        )
        .prefetch_related("themes")
        .order_by("-created_at", "-id")[:limit]
    )


def recommendation_recent_list(*, limit: int = 10) -> QuerySet[Recommendation]:
    """The latest recommendations recorded, for the dashboard."""
    return (
        Recommendation.objects.select_related("review__state_under_review", "review__session")
        .prefetch_related("recommending_states")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass
class StateRecommendations:
    state: MemberState
    recommendations: list[Recommendation]
    # Ids of the recommendations whose anchor (rec-<paragraph>) is in this group: a joint recommendation is
    # listed under each of its states, and its anchor goes to the first only, so that ids stay unique.
    anchored: set[int] = field(default_factory=set)


def recommendations_by_state(*, review: Review, theme: Theme | None = None) -> list[StateRecommendations]:
    """A review's recommendations grouped by recommending state (a joint one appears under each state)."""
    recommendations = (
        Recommendation.objects.filter(review=review).prefetch_related("recommending_states").order_by("id")
    )
    if theme is not None:
        recommendations = recommendations.filter(themes=theme)
    groups: dict[int, StateRecommendations] = {}
    for recommendation in recommendations:
        for position, state in enumerate(recommendation.recommending_states.all()):
            group = groups.setdefault(state.pk, StateRecommendations(state, []))
            group.recommendations.append(recommendation)
            if position == 0:
                group.anchored.add(recommendation.pk)
    return sorted(groups.values(), key=lambda group: group.state.name)


def theme_list_for_review(*, review: Review) -> QuerySet[Theme]:
    """Themes that tag at least one of the review's recommendations (the review page's filter)."""
    return Theme.objects.filter(recommendations__review=review).distinct().order_by("scheme", "code")


def speaker_choice_list() -> tuple[QuerySet[MemberState], QuerySet[Stakeholder]]:
    """Everyone who may take the floor: states (observers included) and stakeholders."""
    return MemberState.objects.order_by("name"), Stakeholder.objects.order_by("name")


# -- who raised it, cycle by cycle ------------------------------------------------------------------
class CellState(StrEnum):
    """What the record holds for one state in one review, as the who-raised-it table shows it.

    A new state (e.g. "related" mention, "inscribed, could not speak", "not in the record") is a member here,
    a branch in cell_state(), and its label and legend in apps/web/labels.py::CELL_STATE_TEXT.
    """

    RAISED = "raised"
    RELATED = "related"
    OTHER_MATTERS = "other"
    SPOKE = "spoke"
    NOT_HEARD = "not_heard"
    NOTHING_RECORDED = "nothing"
    NOT_IN_RECORD = "not_in_record"


@dataclass
class Cell:
    """What one state did in one review about one theme."""

    state: CellState
    review_id: int
    on_theme: list[Recommendation] = field(default_factory=list)
    recommendations_count: int = 0
    spoke: bool = False
    spoke_on_theme: bool = False
    # Paragraphs on the theme whose text is only related to it (general refugee language), not explicit.
    related_ids: set[int] = field(default_factory=set)


def cell_state(
    *,
    on_theme: list[Recommendation],
    recommendations_count: int,
    spoke: bool,
    related_ids: set[int] = frozenset(),  # type: ignore[assignment]
    not_heard: bool = False,
    complete: bool = True,
) -> CellState:
    """The one place that decides a cell's state, strongest fact first.

    Silence is a fact only where the review's recommendations are wholly in the record (`complete`);
    elsewhere a state with nothing recorded is "not in the record", never "none".
    """
    if on_theme:
        if all(recommendation.pk in related_ids for recommendation in on_theme):
            return CellState.RELATED
        return CellState.RAISED
    if recommendations_count:
        return CellState.OTHER_MATTERS
    if spoke:
        return CellState.SPOKE
    if not_heard:
        return CellState.NOT_HEARD
    return CellState.NOTHING_RECORDED if complete else CellState.NOT_IN_RECORD


@dataclass
class Column:
    review: Review
    # False when the record holds only part of the review's recommendations (2009 and 2024 hold only the
    # refugee ones): "none" then means "none recorded", and the page says so.
    complete: bool
    recommendations_loaded: int


@dataclass
class Row:
    state: MemberState
    cells: list[Cell]

    @property
    def raised_count(self) -> int:
        return sum(1 for cell in self.cells if cell.state in {CellState.RAISED, CellState.RELATED})


@dataclass
class WhoRaisedIt:
    state_under_review: MemberState
    theme: Theme
    columns: list[Column]
    rows: list[Row]


def who_raised_it(*, state_under_review: MemberState, theme: Theme) -> WhoRaisedIt:
    """For each state and each review of `state_under_review`: did it recommend on `theme`?

    1. Columns are the reviews that have happened (or already hold data), oldest first.
    2. One query counts every state's recommendations per review; one fetches those on the theme with
       their states; one lists who spoke (from logged statements), and whether on the theme.
    3. Each (state, review) cell gets its state from cell_state(): raised the theme, recommended on other
       matters only, spoke without recommending, or nothing recorded. Rows are the states that appear at least once.
    Nine queries whatever the number of states (theme mentions and the speakers' list add one each).
    """
    today = timezone.localdate()
    reviews = list(
        Review.objects.filter(state_under_review=state_under_review)
        .annotate(recommendations_loaded=_count_of(Recommendation), statements_loaded=_count_of(Statement))
        .filter(
            Q(dialogue_date__lte=today)
            | Q(recommendations_loaded__gt=0)
            | Q(statements_loaded__gt=0)
            | Q(status=Review.Status.COMPLETED)
        )
        .select_related("session__cycle")
        .order_by("session__number")
    )
    columns = [
        Column(
            review=review,
            complete=review.recommendations_coverage == Review.RecordCoverage.COMPLETE,
            recommendations_loaded=review.recommendations_loaded,
        )
        for review in reviews
    ]
    review_ids = [review.pk for review in reviews]

    through = Recommendation.recommending_states.through
    counts: dict[tuple[int, int], int] = {
        (row["memberstate_id"], row["recommendation__review_id"]): row["n"]
        for row in through.objects.filter(recommendation__review_id__in=review_ids)
        .values("memberstate_id", "recommendation__review_id")
        .annotate(n=Count("recommendation_id"))
    }
    on_theme: dict[tuple[int, int], list[Recommendation]] = defaultdict(list)
    for recommendation in (
        Recommendation.objects.filter(review_id__in=review_ids, themes=theme)
        .prefetch_related("recommending_states")
        .order_by("id")
    ):
        for state in recommendation.recommending_states.all():
            on_theme[(state.pk, recommendation.review_id)].append(recommendation)
    related_ids = set(
        RecommendationTheme.objects.filter(
            recommendation__review_id__in=review_ids, theme=theme, mention=RecommendationTheme.Mention.RELATED
        ).values_list("recommendation_id", flat=True)
    )
    not_heard = set(
        SpeakersListEntry.objects.filter(
            review_id__in=review_ids, status=SpeakersListEntry.Status.NOT_HEARD
        ).values_list("speaker_state_id", "review_id")
    )
    spoke: dict[tuple[int, int], bool] = {}
    for state_id, review_id, theme_id in Statement.objects.filter(
        review_id__in=review_ids, speaker_state__isnull=False
    ).values_list("speaker_state_id", "review_id", "themes"):
        key = (state_id, review_id)
        spoke[key] = spoke.get(key, False) or theme_id == theme.pk

    state_ids = {key[0] for key in (*counts, *spoke, *not_heard)}
    complete = {column.review.pk: column.complete for column in columns}
    rows = []
    for state in MemberState.objects.filter(pk__in=state_ids).order_by("name"):
        cells = []
        for review in reviews:
            key = (state.pk, review.pk)
            raised, count, spoken = on_theme.get(key, []), counts.get(key, 0), key in spoke
            cells.append(
                Cell(
                    state=cell_state(
                        on_theme=raised,
                        recommendations_count=count,
                        spoke=spoken,
                        related_ids=related_ids,
                        not_heard=key in not_heard,
                        complete=complete[review.pk],
                    ),
                    review_id=review.pk,
                    on_theme=raised,
                    recommendations_count=count,
                    spoke=spoken,
                    spoke_on_theme=spoke.get(key, False),
                    related_ids={r.pk for r in raised if r.pk in related_ids},
                )
            )
        rows.append(Row(state=state, cells=cells))
    return WhoRaisedIt(state_under_review=state_under_review, theme=theme, columns=columns, rows=rows)


def states_under_review_list() -> QuerySet[MemberState]:
    """States that have at least one review in the record (the who-raised-it form's choices)."""
    return MemberState.objects.filter(reviews__isnull=False).distinct().order_by("name")
