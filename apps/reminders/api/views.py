"""/api/v1/subscriptions/: each user sees and changes only their own; another user's id answers 404."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.serializers import BaseSerializer

from apps.common.api import Conflict
from apps.common.api_filters import StrictFilterBackend
from apps.reminders import services
from apps.reminders.api.serializers import SubscriptionSerializer
from apps.reminders.models import Subscription
from apps.reminders.selectors import subscription_list_for_user


@contextmanager
def _duplicate_as_conflict() -> Iterator[None]:
    """An identical subscription is a conflict with the record (409), not invalid input (400)."""
    try:
        yield
    except ValidationError as error:
        if getattr(error, "code", None) == "duplicate":
            raise Conflict(" ".join(error.messages)) from None
        raise


@extend_schema(tags=["subscriptions"])
class SubscriptionViewSet(viewsets.ModelViewSet):
    """Reminder subscriptions of the authenticated user (session or token)."""

    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated]
    # No filters, but an unknown query parameter is still a 400 (`?zzz=1` answered the whole list).
    filter_backends = [StrictFilterBackend]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Subscription]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Subscription.objects.none()
        return subscription_list_for_user(user=self.request.user).order_by("-created_at", "-id")

    def perform_create(self, serializer: BaseSerializer[Subscription]) -> None:
        data = serializer.validated_data
        with _duplicate_as_conflict():
            serializer.instance = services.subscription_create(
                user=self.request.user,  # type: ignore[arg-type]
                review=data.get("review"),
                state_under_review=data.get("state_under_review"),
                kinds=data.get("kinds", []),
                lead_days=data.get("lead_days"),
                timezone_name=data.get("timezone", "Europe/Zurich"),
                is_active=data.get("is_active", True),
            )

    def perform_update(self, serializer: BaseSerializer[Subscription]) -> None:
        assert serializer.instance is not None
        with _duplicate_as_conflict():
            serializer.instance = services.subscription_update(
                subscription=serializer.instance, data=serializer.validated_data
            )

    def perform_destroy(self, instance: Subscription) -> None:
        services.subscription_delete(subscription=instance)
