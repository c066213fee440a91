"""The five files of the UPR Info export (41,066 rows) imported into PostgreSQL: totals, then idempotency."""

from pathlib import Path

import pytest

from apps.recommendations.importers import ImportSource, recommendation_import
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review
from apps.vocabulary.models import Theme

pytestmark = [pytest.mark.integration, pytest.mark.shared_data]

ROWS = 41_066
# Rows naming the recommending state "(Unknown)" (sessions-1-5.csv, lines 2497–2508): no state to link.
REJECTED = 9
# Rows repeating an earlier row: 2 exact copies, 1 differing by a trailing space, 1 by its issues.
DUPLICATES = 4
# Rows matching a recommendation to China already in the reference data (same text and state). The
# fingerprint ignores all spacing and OHCHR's "(State)" attributions, so 14 texts of 2013 that differ from
# their UPR Info row only in spaces match it (220 before): 10 whose split words the errata table corrects
# ("H uman R ights") and 4 with a stray space ("China ’s", "Uyghurs ,"); 234 of 2013 and 2018 in all. China 2009
# (fixtures/06_china_2009.json, from A/HRC/11/25) adds 56: the UPR Info rows whose text and state are one of the
# report's items (an item naming several states matches only a row naming the same states).
UPDATED = 290


def upr_info_sources(shared_data_dir: Path) -> list[ImportSource]:
    files = sorted((shared_data_dir / "upr-info-export-2008-2014").glob("sessions-*.csv"))
    assert len(files) == 5
    return [ImportSource(path.name, path.read_bytes()) for path in files]


@pytest.mark.django_db(transaction=True)
def test_the_upr_info_export_imports_without_losing_a_row(
    postgres: None, reference_data: None, shared_data_dir: Path
) -> None:
    before = Recommendation.objects.count()

    report = recommendation_import(sources=upr_info_sources(shared_data_dir))

    assert [f.encoding for f in report.files] == ["Mac Roman"] * 5
    assert [f.line_ending for f in report.files] == ["CR"] * 5
    assert report.rows_read == ROWS
    assert report.counts == {
        "created": ROWS - REJECTED - DUPLICATES - UPDATED,
        "updated": UPDATED,
        "unchanged": DUPLICATES,
        "rejected": REJECTED,
    }
    assert report.duplicates == DUPLICATES
    assert set(report.unknown_states) == {"(Unknown)"}
    assert Recommendation.objects.count() == before + ROWS - REJECTED - DUPLICATES - UPDATED
    assert Review.objects.filter(state_under_review__iso3="CHN", session__number=4).get().recommendations.count() >= 138
    assert Theme.objects.filter(scheme=Theme.Scheme.UPR_INFO).count() == 54
    # The search index covers the imported rows (the API's q filter reads it).
    assert not Recommendation.objects.filter(search_vector__isnull=True).exists()

    again = recommendation_import(sources=upr_info_sources(shared_data_dir))

    assert again.counts == {"created": 0, "updated": 0, "unchanged": ROWS - REJECTED, "rejected": REJECTED}
    assert Recommendation.objects.count() == before + ROWS - REJECTED - DUPLICATES - UPDATED
