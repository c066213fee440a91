"""Who is asking, for the export limits.

STAND-IN: the "auth" branch adds apps/common/client_ip.py::client_ip(request), the one client identity for
every limit (with the trusted-proxy rules). Until it is merged this local function has the same signature;
at merge, delete it and import that one in client_key() below.
"""

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The peer's address as the WSGI server saw it (no proxy header is trusted here)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def client_key(request: HttpRequest) -> str:
    """ "user:<id>" for a signed-in user (wherever they connect from), else "ip:<address>"."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"
