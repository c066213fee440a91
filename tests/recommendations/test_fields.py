"""One declaration of a recommendation's own fields (apps/recommendations/fields.py) feeds the services, the
API's write serializer, the exports' columns and the CSV importer: a field added there reaches all four."""

import pytest

from apps.recommendations.api.serializers import RecommendationWriteSerializer
from apps.recommendations.exports.columns import columns_for, export_rows, labels_for
from apps.recommendations.fields import RECOMMENDATION_FIELD_NAMES, RECOMMENDATION_FIELDS
from apps.recommendations.importers import ImportSource, recommendation_import
from apps.recommendations.importers.readers import CSV_OPTIONAL, CSV_REQUIRED
from apps.recommendations.models import Recommendation
from apps.recommendations.services import recommendation_create
from tests.factories import MemberStateFactory, ReviewFactory

# Editable columns of the model that are not the recommendation's own plain fields: its review (a relation
# with its own argument and columns) and the errata the reference builder records (never typed in).
NOT_OWN_FIELDS = {"review", "errata_applied"}


def test_the_declaration_lists_every_plain_field_of_the_model() -> None:
    editable = {
        f.name for f in Recommendation._meta.concrete_fields if f.editable and not f.primary_key and not f.is_relation
    }
    assert set(RECOMMENDATION_FIELD_NAMES) == editable - NOT_OWN_FIELDS


def test_the_serializer_the_exports_and_the_importer_take_the_declared_fields() -> None:
    assert set(RECOMMENDATION_FIELD_NAMES) <= set(RecommendationWriteSerializer().fields)
    columns = columns_for("recommendations")
    assert set(RECOMMENDATION_FIELD_NAMES) <= set(columns)
    labels = dict(zip(columns, labels_for("recommendations"), strict=True))
    assert all(labels[name] == str(label) for name, label in RECOMMENDATION_FIELDS.items())
    assert set(RECOMMENDATION_FIELD_NAMES) <= set(CSV_REQUIRED) | set(CSV_OPTIONAL)


@pytest.mark.django_db
def test_the_service_and_the_export_write_every_declared_field() -> None:
    values = {
        "paragraph": "5.1",
        "text_status": "paraphrase",
        "text_source": "A press release",
        "response": "noted",
        "response_label": "rejected",
        "response_source": "A/HRC/99/6/Add.1",
        "action_category": 4,
        "affected_persons": "refugees; asylum seekers",
        "source_document": "A/HRC/99/6",
        "verification": "reported",
        "note": "Paraphrased by the press.",
    }
    assert set(values) | {"text"} == set(RECOMMENDATION_FIELD_NAMES)
    recommendation = recommendation_create(
        review=ReviewFactory(), text="Protect refugees.", recommending_states=[MemberStateFactory()], **values
    )
    (row,) = export_rows("recommendations", [recommendation.pk])
    assert {name: row[name] for name in values} == values


@pytest.mark.django_db
def test_the_csv_importer_reads_back_the_verification_it_exports() -> None:
    review, state = ReviewFactory(), MemberStateFactory()
    header = "state_under_review,session,text,recommending_states,text_status,text_source,verification"
    rows = [
        f'{review.state_under_review.iso3},{review.session.number},"A paraphrase.",{state.iso3},paraphrase,Press,reported',
        f'{review.state_under_review.iso3},{review.session.number},"A UN text.",{state.iso3},,,',
    ]
    report = recommendation_import(sources=[ImportSource("ours.csv", "\n".join([header, *rows]).encode())], fmt="csv")
    assert report.counts["created"] == 2, report.rejected_lines(5)
    saved = dict(Recommendation.objects.filter(review=review).values_list("text", "verification"))
    assert saved == {"A paraphrase.": "reported", "A UN text.": "verified"}
