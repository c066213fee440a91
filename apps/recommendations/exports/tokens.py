"""The signed token in an export job's links: the link is the permission to see the job and its file."""

from django.conf import settings
from django.core import signing

_SALT = "apps.recommendations.export-job"


def export_job_token_make(*, job_id: int) -> str:
    return signing.dumps(job_id, salt=_SALT)


def export_job_token_read(*, token: str) -> int | None:
    """The job id a token was made for, or None if it is forged, mangled or older than the job's file."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=settings.EXPORT_JOB_KEEP_HOURS * 3600 + 86400)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
