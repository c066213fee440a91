from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from simple_history.models import HistoricalRecords

from apps.common.models import TimeStampedModel, Verification
from apps.reviews.models import Review
from apps.states.models import MemberState
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Mention, Theme

# Re-exported for the modules that still import them from here; new code imports apps.vocabulary.models.
__all__ = ["DPRK_REFUGEES_THEME_CODE", "Theme"]


class RecommendationManager(models.Manager["Recommendation"]):
    def get_by_natural_key(self, review_id: int, paragraph: str) -> "Recommendation":
        return self.get(review_id=review_id, paragraph=paragraph)


class Recommendation(TimeStampedModel):
    """One numbered recommendation of a Working Group report, and the response of the state under review."""

    class Response(models.TextChoices):
        SUPPORTED = "supported", "Supported"
        NOTED = "noted", "Noted"
        PENDING = "pending", "Pending"

    class TextStatus(models.TextChoices):
        VERBATIM = "verbatim", "Verbatim UN text"
        PARAPHRASE = "paraphrase", "Reported paraphrase (not UN text)"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="recommendations")
    recommending_states = models.ManyToManyField(MemberState, related_name="recommendations_made")
    paragraph = models.CharField(
        max_length=20,
        blank=True,
        help_text="Paragraph in the report, e.g. 186.241 or 28(g); empty if unknown.",
    )
    text = models.TextField()
    text_status = models.CharField(max_length=12, choices=TextStatus.choices, default=TextStatus.VERBATIM)
    text_source = models.TextField(blank=True, help_text="Where the text comes from (required for paraphrases).")
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    response_label = models.CharField(
        max_length=60, blank=True, help_text='The state\'s own word where it differs, e.g. "rejected".'
    )
    response_source = models.CharField(max_length=300, blank=True, help_text="e.g. A/HRC/25/5/Add.1 para. 186.28")
    action_category = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="UPR Info action category, 1 (minimal action) to 5 (specific action).",
    )
    themes: "models.ManyToManyField[Theme, RecommendationTheme]" = models.ManyToManyField(
        Theme, blank=True, related_name="recommendations", through="RecommendationTheme"
    )
    affected_persons = models.CharField(
        max_length=300, blank=True, help_text="Semicolon-separated, as OHCHR lists them."
    )
    source_document = models.CharField(max_length=60, blank=True, help_text="Symbol of the report, e.g. A/HRC/25/5.")
    verification = models.CharField(
        max_length=10,
        choices=Verification.choices,
        default=Verification.VERIFIED,
        help_text="Verified: the UN document's text; reported: a paraphrase from a cited source (text_source).",
    )
    errata_applied = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Extraction artefacts corrected in the text, from fixtures/errata/: "
            "[{before, after, reason, source}]. Shown with the text, never applied silently."
        ),
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the normalised text, to match re-imports.",
    )
    note = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    # China's 2009 recommendations (fixtures/06_china_2009.json) load by (review, paragraph): the
    # recommendation_unique_paragraph_per_review constraint makes it a key where the paragraph is known.
    objects = RecommendationManager()

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "paragraph"],
                condition=~models.Q(paragraph=""),
                name="recommendation_unique_paragraph_per_review",
            ),
            models.CheckConstraint(
                condition=models.Q(action_category__isnull=True) | models.Q(action_category__range=(1, 5)),
                name="recommendation_action_category_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(text_status="paraphrase") | ~models.Q(text_source=""),
                name="recommendation_paraphrase_has_source",
            ),
        ]
        indexes = [
            # Used by the importer to find an existing recommendation with the same text in a review.
            models.Index(fields=["review", "fingerprint"], name="rec_review_fingerprint_idx"),
            # Used by the explorer and API filter on response.
            models.Index(fields=["response"], name="rec_response_idx"),
            # Used by the list's default order: a page's ids by review, then id (migration 0005).
            models.Index(fields=["review", "id"], name="rec_review_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.paragraph or 'para. ?'} — {self.text[:60]}"

    def natural_key(self) -> tuple[int, str]:
        return (self.review_id, self.paragraph)


class RecommendationTheme(models.Model):
    """The link between a recommendation and a theme, saying how the text touches the theme.

    The (recommendation, theme) pair is unique through the index the ManyToManyField created with this table
    (kept when this model took the table over), and the theme filter reads rec_theme_link_theme_rec_idx.
    """

    Mention = Mention  # the vocabulary's choices, reached as RecommendationTheme.Mention too

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE)
    mention = models.CharField(
        max_length=10,
        choices=Mention.choices,
        blank=True,
        default="",
        db_default="",
        help_text=(
            "explicit: the text names the subject (North Korea, North Koreans, the DPRK); related: only general "
            "refugee, asylum or non-refoulement language; empty: as the source's coders (OHCHR, UPR Info) classify it."
        ),
    )

    class Meta:
        db_table = "recommendations_recommendation_themes"
        indexes = [
            # Used by the theme filter: a theme's recommendations, index-only (migration 0004).
            models.Index(fields=["theme", "recommendation"], name="rec_theme_link_theme_rec_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id} → {self.theme_id} ({self.mention or 'coded'})"


class ExportJob(TimeStampedModel):
    """A filtered export too large to stream in a web request, written to a file by a Celery worker.

    Seen by its signed token only (apps/recommendations/exports/tokens.py): the link is the permission,
    for an anonymous requester as for a signed-in one (who also gets it by e-mail).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Being written"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, help_text='"recommendations" or "statements".')
    format = models.CharField(max_length=5)
    filters = models.JSONField(default=dict, blank=True, help_text="The API's query parameters: name → list of values.")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="export_jobs"
    )
    client_key = models.CharField(
        max_length=80, help_text='Who asked, for the concurrency limit: "user:<id>" or "ip:<address>".'
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, help_text="The name the download is offered under.")
    file = models.CharField(max_length=300, blank=True, help_text="Path of the finished file under EXPORTS_DIR.")
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="export_job_status_valid",
            ),
        ]
        indexes = [
            # Used by the concurrency limit: a client's pending and running jobs.
            models.Index(fields=["client_key", "status"], name="export_job_client_status_idx"),
            # Used by the purge of old jobs' files.
            models.Index(fields=["finished_at"], name="export_job_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.kind}, {self.format}, {self.status})"


class DatasetFile(TimeStampedModel):
    """The current prebuilt file of the whole dataset of one kind in one format (served at /downloads/)."""

    kind = models.CharField(max_length=20)
    format = models.CharField(max_length=5)
    filename = models.CharField(
        max_length=200, unique=True, help_text="Dated name; also its path under EXPORTS_DIR/datasets/."
    )
    rows = models.PositiveIntegerField()
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "format"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "format"], name="dataset_file_one_per_kind_format"),
        ]

    def __str__(self) -> str:
        return self.filename


class DatasetRebuild(models.Model):
    """One row (id 1): whether a rebuild of the prebuilt files is pending, so edits enqueue at most one."""

    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    last_built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"dataset rebuild ({'pending' if self.pending else 'idle'})"
