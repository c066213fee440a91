"""Declare the two indexes that migrations 0004 and 0005 created with SQL, so they belong to the models.

SQLite rebuilds a table to alter it, and a rebuilt table keeps only the indexes the models declare: the
later migrations' rebuilds had dropped both indexes there (`make run`). PostgreSQL keeps them, so for it
this is state only; the SQL recreates them where they are missing.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0009_export_jobs_and_dataset_files")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="recommendation",
                    index=models.Index(fields=["review", "id"], name="rec_review_id_idx"),
                ),
                migrations.AddIndex(
                    model_name="recommendationtheme",
                    index=models.Index(fields=["theme", "recommendation"], name="rec_theme_link_theme_rec_idx"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS rec_review_id_idx ON recommendations_recommendation (review_id, id)",
                    migrations.RunSQL.noop,
                ),
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS rec_theme_link_theme_rec_idx "
                    "ON recommendations_recommendation_themes (theme_id, recommendation_id)",
                    migrations.RunSQL.noop,
                ),
            ],
        )
    ]
