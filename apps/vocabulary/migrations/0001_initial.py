"""Theme moves here from apps.recommendations WITHOUT copying a row: the state takes the model over, the
database keeps the table recommendations_theme (Theme.Meta.db_table) and every foreign key to it.

recommendations 0011 drops the model from that app's state and renames its content type, so the
permissions (the editors group's) and the admin's log follow the model.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    # The table exists once recommendations has migrated this far (0001 created it, 0008 last altered it).
    dependencies = [("recommendations", "0010_declare_list_and_theme_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Theme",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "scheme",
                            models.CharField(
                                choices=[
                                    ("ohchr", "OHCHR / Universal Human Rights Index"),
                                    ("upr_info", "UPR Info issue"),
                                    ("project", "UPR Tracker"),
                                    ("uhri", "Universal Human Rights Index theme (by name)"),
                                    ("sdg", "Sustainable Development Goal target"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("code", models.CharField(help_text="e.g. G5 for OHCHR, a slug for the others.", max_length=80)),
                        ("name", models.CharField(max_length=200)),
                        ("description", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "recommendations_theme",
                        "ordering": ["scheme", "code"],
                        "constraints": [
                            models.UniqueConstraint(fields=("scheme", "code"), name="theme_unique_code_per_scheme")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
