"""Who is asking, for the export limits: the same client identity as every other limit."""

from django.http import HttpRequest

from apps.common.client_ip import client_ip


def client_key(request: HttpRequest) -> str:
    """ "user:<id>" for a signed-in user (wherever they connect from), else "ip:<address>"."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"
