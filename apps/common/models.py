from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Verification(models.TextChoices):
    """How certain a fact of the record is; pages, API and exports show any level below VERIFIED."""

    VERIFIED = "verified", _("verified in a UN document")
    REPORTED = "reported", _("reported by a cited source")
    ESTIMATED = "estimated", _("estimated by a stated rule")
