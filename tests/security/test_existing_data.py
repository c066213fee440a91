"""Data from before the hardening: duplicate addresses stop the migration loudly; identical subscriptions merge.

Each test drops the index or constraints inside its own transaction (PostgreSQL's DDL is transactional,
so the rollback restores them), writes the old data, then runs the migration's function on it.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection

from apps.reminders.models import Subscription
from tests.factories import ReviewFactory, UserFactory

accounts_0002 = importlib.import_module("apps.accounts.migrations.0002_user_email_unique")
reminders_0003 = importlib.import_module("apps.reminders.migrations.0003_subscription_unique_settings")
EDITOR = SimpleNamespace(connection=connection)


def test_duplicate_addresses_stop_the_migration_with_the_list(postgres):
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX user_email_ci_unique")
    User.objects.create_user(username="first", email="shared@example.org")
    User.objects.create_user(username="second", email="SHARED@example.org")
    User.objects.create_user(username="alone", email="alone@example.org")

    with pytest.raises(RuntimeError) as refused:
        accounts_0002.refuse_duplicate_addresses(apps, EDITOR)

    message = str(refused.value)
    assert "shared@example.org: first (id" in message and "second (id" in message
    assert "alone" not in message


def test_identical_subscriptions_are_merged_into_one_and_reported(postgres, capsys):
    with connection.cursor() as cursor:
        for name in ("subscription_unique_review_settings", "subscription_unique_state_settings"):
            cursor.execute(f"DROP INDEX {name}")  # a conditional UniqueConstraint is a partial unique index
    user, review = UserFactory(username="repeater"), ReviewFactory()
    kept = Subscription.objects.create(user=user, review=review, kinds=["b", "a"], lead_days=[1, 7], is_active=False)
    active = Subscription.objects.create(user=user, review=review, kinds=["a", "b"], lead_days=[7, 1])
    for _ in range(29):
        Subscription.objects.create(user=user, review=review, kinds=["a", "b"], lead_days=[7, 1], is_active=False)
    other = Subscription.objects.create(user=user, review=review, kinds=["a", "b"], lead_days=[30])

    reminders_0003.merge_identical_subscriptions(apps, EDITOR)

    remaining = Subscription.objects.filter(user=user)
    assert sorted(remaining.values_list("pk", flat=True)) == sorted([active.pk, other.pk])  # the active one stays
    assert Subscription.objects.get(pk=active.pk).kinds == ["a", "b"]
    assert not Subscription.objects.filter(pk=kept.pk).exists()
    assert "Removed 30 identical subscriptions" in capsys.readouterr().out
