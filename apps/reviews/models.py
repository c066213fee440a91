from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.common.models import TimeStampedModel, Verification
from apps.common.timezones import validate_timezone
from apps.states.models import MemberState


class Cycle(TimeStampedModel):
    """A round in which every member state is reviewed once (about 4.5 years)."""

    number = models.PositiveSmallIntegerField(unique=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while open-ended.")
    is_provisional = models.BooleanField(default=False, help_text="Dates not yet published by OHCHR.")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="cycle_number_positive"),
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True) | models.Q(end_year__gte=models.F("start_year")),
                name="cycle_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number}"


class Session(TimeStampedModel):
    """A two-week UPR Working Group session, numbered from 1."""

    number = models.PositiveSmallIntegerField(unique=True)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    is_provisional = models.BooleanField(default=False)
    estimated_earliest = models.DateField(
        null=True,
        blank=True,
        help_text="For a provisional session: the earliest date it may start (estimated); deadlines count from it.",
    )
    estimated_latest = models.DateField(
        null=True, blank=True, help_text="For a provisional session: the latest date it may start (estimated)."
    )
    estimate_rule = models.TextField(blank=True, help_text="The stated rule or source of the estimated window.")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_earliest__isnull=True)
                | models.Q(estimated_latest__isnull=True)
                | models.Q(estimated_latest__gte=models.F("estimated_earliest")),
                name="session_estimate_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.number}"


class Review(TimeStampedModel):
    """One state under review in one Working Group session."""

    class RecordCoverage(models.TextChoices):
        COMPLETE = "complete", _("complete")
        PARTIAL = "partial", _("partial")
        NONE = "none", _("none in the record")

    class Status(models.TextChoices):
        COMPLETED = "completed", "Completed"
        SCHEDULED = "scheduled", "Scheduled"
        PROVISIONAL = "provisional", "Provisional (dates estimated)"

    state_under_review = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="reviews")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    dialogue_date = models.DateField("interactive dialogue date", null=True, blank=True)
    dialogue_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="Start of the interactive dialogue, where the time is known."
    )
    dialogue_ends_at = models.DateTimeField(null=True, blank=True)
    report_adopted_on = models.DateField(null=True, blank=True, help_text="Adoption of the Working Group report.")
    troika = models.ManyToManyField(
        MemberState, blank=True, related_name="troika_reviews", help_text="The three rapporteur states."
    )
    report_symbol = models.CharField(max_length=40, blank=True, help_text="Working Group report, e.g. A/HRC/40/6.")
    report_symbol_verified = models.BooleanField(default=True)
    addendum_symbol = models.CharField(max_length=40, blank=True, help_text="e.g. A/HRC/40/6/Add.1.")
    speakers_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Delegations that took the floor in the dialogue."
    )
    speakers_unable_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text='Inscribed delegations that were "not able to make their statements" (the report\'s words).',
    )
    seconds_per_speaker = models.PositiveSmallIntegerField(null=True, blank=True)
    recommendations_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Recommendations as counted in the report."
    )
    council_session = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Human Rights Council session that adopted the outcome."
    )
    council_adopted_on = models.DateField(null=True, blank=True)
    head_of_delegation = models.CharField(
        max_length=300, blank=True, help_text="Head of the delegation of the state under review; empty if unknown."
    )
    facts_sources = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Per fact (report_symbol, troika, dialogue, speakers_count, head_of_delegation, council_adopted_on, "
            "recommendations_count, ...): {source, verification} with verification one of verified, reported, "
            "estimated. A fact not listed here has no stated source."
        ),
    )
    recommendations_coverage = models.CharField(
        max_length=10,
        choices=RecordCoverage.choices,
        default=RecordCoverage.NONE,
        help_text="How much of this review's recommendations the record holds.",
    )
    statements_coverage = models.CharField(
        max_length=10,
        choices=RecordCoverage.choices,
        default=RecordCoverage.NONE,
        help_text="How much of this review's interactive dialogue (statements) the record holds.",
    )
    notes = models.TextField(blank=True, help_text="Facts that fit no field, with their source.")

    class Meta:
        ordering = ["-session__number", "state_under_review__name"]
        constraints = [
            models.UniqueConstraint(fields=["state_under_review", "session"], name="review_one_per_state_session"),
            models.CheckConstraint(
                condition=models.Q(dialogue_ends_at__isnull=True)
                | models.Q(dialogue_starts_at__isnull=True)
                | models.Q(dialogue_ends_at__gt=models.F("dialogue_starts_at")),
                name="review_dialogue_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state_under_review} — session {self.session.number}"


class Deadline(TimeStampedModel):
    """A dated event of a review; reminders are sent before it."""

    class Kind(models.TextChoices):
        STAKEHOLDER_SUBMISSION = "stakeholder_submission", "Stakeholder submissions"
        NATIONAL_REPORT = "national_report", "National report"
        ADVANCE_QUESTIONS = "advance_questions", "Advance written questions"
        SPEAKERS_LIST = "speakers_list", "Speakers' list opens"
        INTERACTIVE_DIALOGUE = "interactive_dialogue", "Interactive dialogue"
        REPORT_ADOPTION = "report_adoption", "Working Group report adoption"
        RESPONSES = "responses", "Responses to recommendations (addendum)"
        COUNCIL_ADOPTION = "council_adoption", "Council adoption of the outcome"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True, help_text="Shown instead of the kind's name if set.")
    due_at = models.DateTimeField(help_text="Stored in UTC.")
    timezone = models.CharField(
        max_length=64, default="Europe/Zurich", validators=[validate_timezone], help_text="Where the deadline is set."
    )
    time_is_known = models.BooleanField(
        default=True, help_text="False when only the date is known; the time is then shown as all day."
    )
    is_provisional = models.BooleanField(default=False, help_text="Estimated, not yet published.")
    is_cancelled = models.BooleanField(default=False, help_text="Cancelled deadlines get no reminders.")
    source_url = models.URLField(max_length=500, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the date comes from, or the rule.")
    verification = models.CharField(max_length=10, choices=Verification.choices, default=Verification.VERIFIED)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # Used by the reminder sweep and the dashboard's "next deadlines".
            models.Index(fields=["due_at"], name="deadline_due_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.get_kind_display()} ({self.review})"


class StakeholderManager(models.Manager["Stakeholder"]):
    def get_by_natural_key(self, name: str) -> "Stakeholder":
        return self.get(name=name)


class Stakeholder(TimeStampedModel):
    """A speaker that is not a state: a UN agency (UNHCR), an NGO, a national human-rights institution."""

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", "UN agency"
        NGO = "ngo", "Non-governmental organisation"
        NHRI = "nhri", "National human-rights institution"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    website = models.URLField(blank=True)

    objects = StakeholderManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def natural_key(self) -> tuple[str]:
        # The reference fixture names stakeholders by name, so loading it never overwrites one added in the admin.
        return (self.name,)


class StatementManager(models.Manager["Statement"]):
    def get_by_natural_key(self, review_id: int, forum: str, speaking_order: int) -> "Statement":
        return self.get(review_id=review_id, forum=forum, speaking_order=speaking_order)


class Statement(TimeStampedModel):
    """What one speaker said in the interactive dialogue or at the Council's adoption."""

    class Forum(models.TextChoices):
        WORKING_GROUP = "working_group", "Working Group interactive dialogue"
        COUNCIL_ADOPTION = "council_adoption", "Council adoption"

    class TextKind(models.TextChoices):
        DELIVERED = "delivered", _("Words as delivered")
        REPORT_SUMMARY = "report_summary", _("Working Group report's summary, not the words delivered")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="statements")
    speaker_state = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    speaker_stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    forum = models.CharField(max_length=20, choices=Forum.choices, default=Forum.WORKING_GROUP)
    speaking_order = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_kind = models.CharField(
        max_length=16,
        choices=TextKind.choices,
        default=TextKind.DELIVERED,
        help_text="Whether the text is what the speaker said or the Working Group report's summary of it.",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Document and paragraph of the text, e.g. A/HRC/11/25 para. 27."
    )
    language = models.CharField(max_length=10, default="en", help_text="BCP 47 code of the original.")
    seconds_used = models.PositiveSmallIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True, help_text="UN Web TV link with timestamp.")
    themes = models.ManyToManyField("vocabulary.Theme", blank=True, related_name="statements")
    recommendations = models.ManyToManyField("recommendations.Recommendation", blank=True, related_name="statements")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    # Reference statements (fixtures/06_china_2009.json) load by (review, forum, speaking order), so
    # loading them never overwrites a statement an editor logged under the same id.
    objects = StatementManager()

    class Meta:
        ordering = ["review", "forum", "speaking_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(speaker_state__isnull=False, speaker_stakeholder__isnull=True)
                    | models.Q(speaker_state__isnull=True, speaker_stakeholder__isnull=False)
                ),
                name="statement_exactly_one_speaker",
            ),
            models.UniqueConstraint(
                fields=["review", "forum", "speaking_order"],
                condition=models.Q(speaking_order__isnull=False),
                name="statement_unique_speaking_order",
            ),
        ]

    def __str__(self) -> str:
        speaker = self.speaker_state or self.speaker_stakeholder
        return f"{speaker} at {self.review}"

    def natural_key(self) -> tuple[int, str, int | None]:
        return (self.review_id, self.forum, self.speaking_order)


class SpeakersListEntryManager(models.Manager["SpeakersListEntry"]):
    def get_by_natural_key(self, review_id: int, speaker_state_id: int) -> "SpeakersListEntry":
        return self.get(review_id=review_id, speaker_state_id=speaker_state_id)


class SpeakersListEntry(TimeStampedModel):
    """A delegation's place on a review's list of speakers, where the record knows more than its statement.

    China 2009: the report's footnote to paragraph 26 names the delegations inscribed on the list that
    "were not able to make their statements"; they are facts of the list, not statements.
    """

    class Status(models.TextChoices):
        NOT_HEARD = "not_heard", _("Inscribed, could not speak")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="speakers_list")
    speaker_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="speakers_list_entries")
    status = models.CharField(max_length=12, choices=Status.choices)
    listed_as = models.CharField(max_length=100, blank=True, help_text="The name as the source prints it.")
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Place in the source's list (not a speaking order)."
    )
    source = models.CharField(max_length=200, help_text="e.g. A/HRC/11/25 para. 26, footnote.")
    verification = models.CharField(max_length=10, choices=Verification.choices, default=Verification.VERIFIED)

    objects = SpeakersListEntryManager()

    class Meta:
        ordering = ["review", "position", "id"]
        verbose_name_plural = "speakers' list entries"
        constraints = [
            models.UniqueConstraint(fields=["review", "speaker_state"], name="speakers_list_one_entry_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_state} at {self.review}: {self.get_status_display()}"

    def natural_key(self) -> tuple[int, int]:
        return (self.review_id, self.speaker_state_id)


class AdvanceQuestionManager(models.Manager["AdvanceQuestion"]):
    def get_by_natural_key(self, review_id: int, submitting_state_id: int) -> "AdvanceQuestion":
        return self.get(review_id=review_id, submitting_state_id=submitting_state_id)


class AdvanceQuestion(TimeStampedModel):
    """Written questions a state sent to the state under review through the troika before the dialogue."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="advance_questions")
    submitting_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="advance_questions")
    text = models.TextField(blank=True, help_text="The questions as submitted; empty when not in the record.")
    report_text = models.TextField(blank=True, help_text="What the source says of them, in its own words.")
    position = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Place in the source's list.")
    source = models.CharField(max_length=200, help_text="e.g. A/HRC/11/25 para. 4.")
    verification = models.CharField(max_length=10, choices=Verification.choices, default=Verification.VERIFIED)

    objects = AdvanceQuestionManager()

    class Meta:
        ordering = ["review", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "submitting_state"], name="advance_question_one_per_state_review"
            ),
        ]

    def __str__(self) -> str:
        return f"Advance questions of {self.submitting_state} to {self.review}"

    def natural_key(self) -> tuple[int, int]:
        return (self.review_id, self.submitting_state_id)
