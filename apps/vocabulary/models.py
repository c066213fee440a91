from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.models import TimeStampedModel


class Theme(TimeStampedModel):
    """A term of a controlled vocabulary: OHCHR/UHRI codes, UPR Info issues, or the project's own."""

    class Scheme(models.TextChoices):
        OHCHR = "ohchr", "OHCHR / Universal Human Rights Index"
        UPR_INFO = "upr_info", "UPR Info issue"
        PROJECT = "project", "UPR Tracker"
        # UHRI's current thesaurus, by name: not the coded OHCHR terms (see recommendations/importers/uhri.py).
        UHRI = "uhri", _("Universal Human Rights Index theme (by name)")
        SDG = "sdg", _("Sustainable Development Goal target")

    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    code = models.CharField(max_length=80, help_text="e.g. G5 for OHCHR, a slug for the others.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        # The table the model had in apps.recommendations (migration vocabulary 0001 took it over, rows kept).
        db_table = "recommendations_theme"
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="theme_unique_code_per_scheme"),
        ]

    def __str__(self) -> str:
        if self.scheme in (self.Scheme.OHCHR, self.Scheme.SDG):
            return f"{self.code} {self.name}"
        return self.name


# The theme advocates filter on most: Theme(scheme=PROJECT, code=DPRK_REFUGEES_THEME_CODE).
DPRK_REFUGEES_THEME_CODE = "dprk-refugees"


class Mention(models.TextChoices):
    """How a text touches a theme (the record's truth: explicit or only related), on each theme link."""

    EXPLICIT = "explicit", _("names it explicitly")
    RELATED = "related", _("related (general language)")
    CODED = "", _("as classified by the source's coders")
