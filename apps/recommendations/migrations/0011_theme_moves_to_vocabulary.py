"""Theme leaves this app for apps.vocabulary (its 0001 took the model over, table and rows kept).

State only for the model: the links point at vocabulary.Theme, and recommendations.Theme leaves the state
without its table being dropped. The content type is renamed, so the permissions granted on themes (the
editors group's) and the admin's log entries follow the model instead of being orphaned.
"""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor, old="recommendations", new="vocabulary"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if content_type.objects.using(db).filter(app_label=new, model="theme").exists():
        return  # made by a post_migrate signal already: nothing to carry over
    content_type.objects.using(db).filter(app_label=old, model="theme").update(app_label=new)


def rename_content_type_back(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="vocabulary", new="recommendations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("recommendations", "0010_declare_list_and_theme_indexes"),
        ("reviews", "0006_statement_themes_from_vocabulary"),
        ("vocabulary", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="recommendationtheme",
                    name="theme",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="vocabulary.theme"),
                ),
                migrations.AlterField(
                    model_name="recommendation",
                    name="themes",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="recommendations",
                        through="recommendations.RecommendationTheme",
                        to="vocabulary.theme",
                    ),
                ),
                migrations.DeleteModel(name="Theme"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, rename_content_type_back),
    ]
