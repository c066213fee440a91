"""What a locked-out client sees (django-axes' AXES_LOCKOUT_CALLABLE): a page, or the API's error."""

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.common.api import error_body

API_PREFIX = "/api/"


def lockout_minutes() -> int:
    return max(1, math.ceil(float(settings.AXES_COOLOFF_TIME) * 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed log-in attempts for this account or from your network. Try again in %(minutes)d "
        "minute, or ask an administrator to unlock the account.",
        "Too many failed log-in attempts for this account or from your network. Try again in %(minutes)d "
        "minutes, or ask an administrator to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """429 with the reason: JSON in the API's error format under /api/, else the lockout page."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(error_body("locked_out", lockout_message()), status=429)
    else:
        context = {"message": lockout_message(), "title": _("Log-in locked")}
        response = render(request, "registration/lockout.html", context, status=429)
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response
