"""A (theme_id, recommendation_id) index on the recommendation–theme link table.

Used by the `theme` filter of the recommendations list (RecommendationFilter.filter_theme:
`id IN (SELECT recommendation_id FROM …_themes WHERE theme_id IN (…))`) and by the list's capped count of
that filter: the subquery becomes an index-only scan already ordered by recommendation_id, which PostgreSQL
merge-joins with the primary key instead of hashing 45,000 links and scanning the whole table (at 250,000
recommendations, the count of `?theme=womens-rights` went from ~60 ms to ~12 ms). The link table is created by
the ManyToManyField, so the index is created here rather than declared on a model; the SQL is the same on
PostgreSQL and SQLite.
"""

from django.db import migrations

INDEX = "rec_theme_link_theme_rec_idx"
TABLE = "recommendations_recommendation_themes"


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0003_search_vector_gin")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (theme_id, recommendation_id)",
            f"DROP INDEX IF EXISTS {INDEX}",
            elidable=False,
        )
    ]
