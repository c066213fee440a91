"""The recommendation–theme link becomes a model (RecommendationTheme); 0007 gives it its `mention`.

The through model takes over the table the ManyToManyField created (recommendations_recommendation_themes),
with its rows, its unique (recommendation_id, theme_id) index and rec_theme_link_theme_rec_idx (0004): the
state changes only, and the database gains one column with a database default, so raw inserts (the
importer's unnest) need not name it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0005_recommendation_review_id_idx")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecommendationTheme",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "recommendation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="recommendations.recommendation"
                            ),
                        ),
                        (
                            "theme",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="recommendations.theme"),
                        ),
                    ],
                    options={"db_table": "recommendations_recommendation_themes"},
                ),
                migrations.AlterField(
                    model_name="recommendation",
                    name="themes",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="recommendations",
                        through="recommendations.RecommendationTheme",
                        to="recommendations.theme",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
