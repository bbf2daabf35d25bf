"""The requirement rows service: HRSS admins create and update rows of their region, audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from portal.models import AuditLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def requirement_data(**overrides):
    values = {"year_from": 2025, "year_to": None, "region": "410400", "public_min": "28"}
    values.update(overrides)
    return values


def test_requirement_save_creates_and_updates_with_audit_rows(tree):
    from credits.models import Requirement
    from credits.services.requirements import requirement_save
    from orgtree.models import Region

    admin = tree.admins["pds"]
    row = requirement_save(
        actor=admin,
        requirement=Requirement(),
        data=requirement_data(region=Region.objects.get(pk="410402"), title_group="junior"),
    )
    assert (row.region_id, row.title_group, row.public_min, row.total_min) == (
        "410402",
        "junior",
        28,
        None,
    )
    changed = requirement_save(
        actor=admin,
        requirement=Requirement.objects.get(pk=row.pk),
        data=requirement_data(region="410402", title_group="junior", total_min=Decimal("95.5")),
    )
    assert changed.pk == row.pk and changed.total_min == Decimal("95.5")
    entries = AuditLog.objects.filter(target=f"requirement:{row.pk}").order_by("id")
    assert [(e.action, e.org_path, e.actor) for e in entries] == [
        ("requirement.create", tree.pds.path, admin),
        ("requirement.update", tree.pds.path, admin),
    ]
    assert entries[1].detail["before"]["total_min"] is None
    assert entries[1].detail["after"]["total_min"] == "95.5"


def test_requirement_save_refuses_non_hrss_admins_and_rows_out_of_scope(tree, actor):
    from django.core.exceptions import PermissionDenied

    from credits.models import Requirement
    from credits.services.requirements import requirement_save

    for someone in (actor, tree.admins["hospital1"], tree.admins["health"]):
        with pytest.raises(PermissionDenied):
            requirement_save(actor=someone, requirement=Requirement(), data=requirement_data())
    province_row = Requirement.objects.create(year_from=2030, public_min=30)
    for city_admin in (tree.admins["pds"], tree.admins["lh"]):
        with pytest.raises(Http404):
            requirement_save(
                actor=city_admin,
                requirement=province_row,
                data=requirement_data(region="410400"),
            )
    with pytest.raises(ValidationError) as caught:
        requirement_save(
            actor=tree.admins["lh"], requirement=Requirement(), data=requirement_data()
        )
    assert caught.value.message_dict == {"region": ["只能设置本地区及所辖地区的学时要求。"]}
    province_row.refresh_from_db()
    assert (province_row.region_id, Requirement.objects.count()) == (None, 1)
    assert not AuditLog.objects.filter(action__startswith="requirement.").exists()
