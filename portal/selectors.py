from django.db.models import QuerySet

from .models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs a user may watch: the ones they started."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(actor=user)
