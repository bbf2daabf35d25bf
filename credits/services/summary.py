"""The per person-year summary, refreshed by the filing service (and by revocations)."""

from django.db import transaction

from accounts.models import Person

from ..models import PersonYear
from ..requirements import person_year_evaluate


@transaction.atomic
def person_year_refresh(*, person_id: int, year: int) -> PersonYear:
    """Recomputes one person-year from its filed declarations and exemption."""
    person = Person.objects.select_related("region").get(pk=person_id)
    evaluation = person_year_evaluate(person=person, year=year)
    summary, _ = PersonYear.objects.update_or_create(
        person=person,
        year=year,
        defaults={
            "org_path": person.org_path,
            "filed_public": evaluation.public.filed,
            "filed_professional": evaluation.professional.filed,
            "full_professional": evaluation.full_professional,
            "full_year": evaluation.full_year,
            "on_duty_months": evaluation.on_duty_months,
            "required_total": evaluation.required_total,
            "required_public": evaluation.public.required,
            "required_professional": evaluation.professional.required,
            "completed": evaluation.completed,
        },
    )
    return summary
