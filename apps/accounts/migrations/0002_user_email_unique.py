"""One account per e-mail address, case-insensitive (empty addresses aside): a unique index on auth_user.

auth.User belongs to Django, so the index is created here with SQL that PostgreSQL and SQLite both run.
Existing duplicates make the migration stop with the list of them: which account keeps an address is
a decision for staff (change or clear the others' addresses in the admin, then migrate again).
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Upper

INDEX = "user_email_ci_unique"


def refuse_duplicate_addresses(apps, schema_editor):
    User = apps.get_model("auth", "User")
    duplicates = (
        User.objects.using(schema_editor.connection.alias)
        .exclude(email="")
        .annotate(address=Upper("email"))
        .values("address")
        .annotate(accounts=Count("id"))
        .filter(accounts__gt=1)
        .order_by("address")
    )
    if not duplicates:
        return
    lines = []
    for row in duplicates:
        names = User.objects.filter(email__iexact=row["address"]).order_by("id").values_list("id", "username")
        lines.append(f"  {row['address'].lower()}: " + ", ".join(f"{name} (id {pk})" for pk, name in names))
    raise RuntimeError(
        "Cannot make e-mail addresses unique: several accounts share an address (case-insensitive).\n"
        + "\n".join(lines)
        + "\nIn the admin (Users), change or clear the address of all but one account of each, then migrate again."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_confirmed_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicate_addresses, migrations.RunPython.noop),
        migrations.RunSQL(
            # Used by sign-up, e-mail change and confirmation (email__iexact), and holds the rule against races.
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (UPPER(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]
