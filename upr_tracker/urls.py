from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.common.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("upr_tracker.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script, so CSP's script-src 'self' holds.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    # Ours first: e-mail confirmation, and the password views with limits and token revocation.
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before the web pages: /reviews/<id>/calendar.ics must match before /reviews/<id>/.
    path("", include("apps.reminders.urls")),
    path("", include("apps.recommendations.urls")),
    path("", include("apps.web.urls")),
]
