"""What the review chain tests share: a declaration submitted through the professional's
services, and one review step, with the trail, notifications and person-year they leave."""

from credits.models import Declaration, PersonYear, ReviewEvent
from credits.services import declaration_create, declaration_submit, review_one
from portal.models import Notification
from tests.credits.views_support import THIS_YEAR, evidence


def form(**overrides) -> dict:
    values = {
        "year": THIS_YEAR,
        "category": "conference_national",
        "params": {"days": 2, "presented_paper": False},  # 12 computed hours
        "title": "全国医院管理学术会议",
        "organiser": "国家卫生健康委员会",
        "start_date": None,
        "end_date": None,
        "description": "",
    }
    values.update(overrides)
    return values


def submitted(person, **overrides) -> Declaration:
    """A declaration made, documented and submitted through the professional's services."""
    record = declaration_create(actor=person.user, **form(**overrides))
    evidence(record)
    return declaration_submit(actor=person.user, declaration_id=record.pk)


def trail(record) -> list[tuple]:
    owner = record._meta.model_name
    return list(
        ReviewEvent.objects.filter(**{owner: record})
        .order_by("created_at", "id")
        .values_list("action", "from_status", "to_status", "actor_id", "comment")
    )


def notices(person) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(user=person.user)
        .order_by("created_at", "id")
        .values_list("title", "body")
    )


def summary(person, year=THIS_YEAR) -> PersonYear | None:
    return PersonYear.objects.filter(person=person, year=year).first()


def step(actor, record, action, comment="", **extra):
    kind = record._meta.model_name
    return review_one(
        actor=actor, kind=kind, record_id=record.pk, action=action, comment=comment, **extra
    )


def status_of(record) -> str:
    return type(record).objects.values_list("status", flat=True).get(pk=record.pk)
