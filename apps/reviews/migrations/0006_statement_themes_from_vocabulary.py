"""Statement.themes points at vocabulary.Theme: state only, the table and its foreign key are unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_statement_text_kind_speakers_list_advance_questions"),
        ("vocabulary", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="statement",
                    name="themes",
                    field=models.ManyToManyField(blank=True, related_name="statements", to="vocabulary.theme"),
                ),
            ],
            database_operations=[],
        ),
    ]
