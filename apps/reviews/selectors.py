from django.db.models import QuerySet
from django.utils import timezone

from apps.reviews.models import Deadline


def deadline_upcoming_list(*, limit: int | None = None) -> QuerySet[Deadline]:
    """Deadlines not yet past and not cancelled, nearest first."""
    deadlines = (
        Deadline.objects.filter(due_at__gte=timezone.now(), is_cancelled=False)
        .select_related("review__state_under_review", "review__session")
        .order_by("due_at")
    )
    return deadlines[:limit] if limit else deadlines
