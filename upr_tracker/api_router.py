"""Every API endpoint under /api/v1/ is registered here, one line each."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.accounts.api_auth import TokenView
from apps.recommendations.api.exports import DownloadListView, ExportJobStatusView
from apps.recommendations.api.views import RecommendationViewSet, StatementExportViewSet, ThemeViewSet
from apps.reminders.api.views import SubscriptionViewSet
from apps.reviews.api.views import (
    CycleViewSet,
    DeadlineViewSet,
    ReviewViewSet,
    SessionViewSet,
    StakeholderViewSet,
)
from apps.states.api.views import MemberStateViewSet

router = DefaultRouter()
router.register("member-states", MemberStateViewSet, basename="member-state")
router.register("cycles", CycleViewSet, basename="cycle")
router.register("sessions", SessionViewSet, basename="session")
router.register("reviews", ReviewViewSet, basename="review")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
router.register("statements", StatementExportViewSet, basename="statement")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("themes", ThemeViewSet, basename="theme")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("downloads/", DownloadListView.as_view(), name="downloads"),
    path("export-jobs/<str:token>/", ExportJobStatusView.as_view(), name="export-job"),
    *router.urls,
]
