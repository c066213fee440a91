from django.db import models

from apps.common.models import TimeStampedModel


def normalize_state_name(name: str) -> str:
    """The key used to match spellings of a state's name: case-folded, single-spaced, plain apostrophes."""
    return " ".join(name.replace("\u2019", "'").replace("\u2018", "'").casefold().split())


class MemberState(TimeStampedModel):
    """A UN member state, or an observer state that speaks in the UPR (Holy See, State of Palestine)."""

    class RegionalGroup(models.TextChoices):
        AFRICAN = "AFRICA", "African Group"
        ASIA_PACIFIC = "APG", "Asia-Pacific Group"
        EASTERN_EUROPEAN = "EEG", "Eastern European Group"
        LATIN_AMERICAN_CARIBBEAN = "GRULAC", "Latin American and Caribbean Group"
        WESTERN_EUROPEAN_OTHERS = "WEOG", "Western European and Others Group"

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166 alpha-2", max_length=2, blank=True)
    m49 = models.PositiveSmallIntegerField("UN M49 code", null=True, blank=True)
    name = models.CharField(
        max_length=100, help_text="UNTERM short name without its trailing article, e.g. Republic of Korea."
    )
    formal_name = models.CharField(max_length=200, blank=True, help_text="UNTERM formal name.")
    common_name = models.CharField(max_length=100, blank=True, help_text="Everyday name (CLDR).")
    regional_group = models.CharField(
        max_length=8, choices=RegionalGroup.choices, blank=True, help_text="Empty for observer states."
    )
    is_observer = models.BooleanField(
        default=False, help_text="Observer state (not a UN member) that takes part in the UPR."
    )
    note = models.TextField(blank=True, help_text="What a reader should know, e.g. about its regional group.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="state_iso3_upper_alpha3"),
            models.CheckConstraint(
                condition=models.Q(is_observer=True) | ~models.Q(regional_group=""),
                name="state_member_has_regional_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StateAliasManager(models.Manager["StateAlias"]):
    def get_by_natural_key(self, normalized: str) -> "StateAlias":
        return self.get(normalized=normalized)


class StateAlias(models.Model):
    """Another spelling of a state's name, used to match imports ("Iran", "Czech Republic", "South Korea").

    Fixtures name aliases by their normalized spelling (natural key), not by id, so that adding a
    spelling to the reference data and loading it again updates a database in place.
    """

    state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    normalized = models.CharField(
        max_length=200, unique=True, editable=False, help_text="Case-folded key; one state per spelling."
    )

    objects = StateAliasManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "state aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.state.iso3}"

    def natural_key(self) -> tuple[str]:
        return (self.normalized,)
