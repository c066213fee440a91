"""Themes moved from apps.recommendations to apps.vocabulary without copying a row.

A database migrated on main (recommendations 0010, reviews 0005, no vocabulary) keeps every theme, every
recommendation's theme link with its mention, every statement's theme, and the permissions granted on themes.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.accounts.groups import EDITORS_GROUP
from apps.recommendations.models import RecommendationTheme
from apps.reviews.models import Statement
from apps.vocabulary.models import Theme

BEFORE_THE_MOVE = [
    ("recommendations", "0010_declare_list_and_theme_indexes"),
    ("reviews", "0005_statement_text_kind_speakers_list_advance_questions"),
]


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_on_main_keeps_its_themes_links_and_permissions(reference_data: None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("vocabulary", None)])  # back to main: unapplies the move (and only what needs it)
    old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
    OldTheme = old.get_model("recommendations", "Theme")
    OldLink = old.get_model("recommendations", "RecommendationTheme")
    OldStatement = old.get_model("reviews", "Statement")
    review = old.get_model("reviews", "Review").objects.order_by("pk").first()
    speaker = old.get_model("states", "MemberState").objects.get(iso3="KOR")
    statement = OldStatement.objects.create(review=review, speaker_state=speaker, text="On refugees", speaking_order=99)
    statement.themes.set(OldTheme.objects.filter(code="dprk-refugees"))
    themes = sorted(OldTheme.objects.values_list("pk", "scheme", "code", "name"))
    links = sorted(OldLink.objects.values_list("recommendation_id", "theme_id", "mention"))
    granted = sorted(
        Group.objects.get(name=EDITORS_GROUP).permissions.filter(content_type__model="theme").values_list("codename")
    )
    assert len(themes) > 100 and len(links) > 1500 and granted  # the reference data, as main holds it

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(Theme.objects.values_list("pk", "scheme", "code", "name")) == themes
    assert sorted(RecommendationTheme.objects.values_list("recommendation_id", "theme_id", "mention")) == links
    assert list(Statement.objects.get(pk=statement.pk).themes.values_list("code", flat=True)) == ["dprk-refugees"]
    assert list(ContentType.objects.filter(model="theme").values_list("app_label", flat=True)) == ["vocabulary"]
    editors = Group.objects.get(name=EDITORS_GROUP)
    assert sorted(editors.permissions.filter(content_type__app_label="vocabulary").values_list("codename")) == granted
