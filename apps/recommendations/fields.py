"""A recommendation's own fields, declared once for everything that writes or reads them.

The services accept these names, the API's write serializer offers them, the exports write one column
each (headed by the label here in XLSX, by the name in CSV and JSON), and the CSV importer reads those
columns back. Adding a plain field to Recommendation is its migration and one line here.

Relations have arguments and columns of their own: the review (with the state under review, session and
cycle), the recommending states and the themes. Derived columns (fingerprint, errata_applied,
search_vector) are the services' to compute and are not listed.
"""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.recommendations.models import Recommendation

# name → the export's header label, in the order the columns are written.
RECOMMENDATION_FIELDS: dict[str, str | Promise] = {
    "paragraph": _("Paragraph"),
    "text": _("Recommendation"),
    "text_status": _("Text status"),
    "text_source": _("Source of the text"),
    "response": _("Response"),
    "response_label": _("Response in the state's own words"),
    "response_source": _("Source of the response"),
    "action_category": _("UPR Info action category"),
    "affected_persons": _("Affected persons"),
    "source_document": _("Source document"),
    "verification": _("Verification of the text"),
    "note": _("Note"),
}
RECOMMENDATION_FIELD_NAMES: tuple[str, ...] = tuple(RECOMMENDATION_FIELDS)


def recommendation_field_empty_value(name: str) -> Any:
    """What an empty imported cell means: the field's default where its choices have no empty one
    (text_status, verification), else the empty string."""
    field = Recommendation._meta.get_field(name)
    if field.choices and not field.blank:  # type: ignore[union-attr]
        return field.get_default()  # type: ignore[union-attr]
    return ""
