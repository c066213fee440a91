"""Every API endpoint under /api/v1/ is registered here, one line each."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

app_name = "api"
urlpatterns = router.urls
