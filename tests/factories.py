import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import User
from portal.ids import with_check_character

DEFAULT_PASSWORD = "Test@2026pass"


def _default_password_hash() -> str:
    return _password_hash(settings.PASSWORD_HASHERS[0])


@functools.cache
def _password_hash(hasher: str) -> str:
    # Once per session and preferred hasher (tests switch to Argon2 to check it), not per user.
    return make_password(DEFAULT_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.LazyFunction(_default_password_hash)
    # Distinct, checksum-valid numbers: 平顶山市新华区, born 1985-03-12, sequence from n.
    id_number = factory.Sequence(lambda n: with_check_character(f"41040219850312{n % 1000:03d}"))


# --- The organisation tree -----------------------------------------------------------------------
# Orgs are made through the tree service (never a bare save) so lft/rght and paths are real.

REGIONS = {
    "410000": ("河南省", "province", None),
    "410400": ("平顶山市", "city", "410000"),
    "410402": ("新华区", "county", "410400"),
    "410403": ("卫东区", "county", "410400"),
    "411100": ("漯河市", "city", "410000"),
    "411102": ("源汇区", "county", "411100"),
    "411171": ("漯河经济技术开发区", "zone", "411100"),
    "419001": ("济源市", "city", "410000"),
}
_credit_serial = iter(range(1, 10**8))


def region(code: str):
    from orgtree.models import Region

    name, level, parent = REGIONS[code]
    if parent:
        region(parent)
    obj, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent_id": parent}
    )
    return obj


def credit_code(region_code: str = "410400") -> str:
    """A fresh, checksum-valid 统一社会信用代码 (registering authority 1, type 2: 事业单位)."""
    from orgtree.codes import credit_code_check_character

    first17 = f"12{region_code}{next(_credit_serial):08d}X"[:17]
    return first17 + credit_code_check_character(first17)


def make_org(
    kind: str,
    parent=None,
    *,
    name: str = "",
    region_code: str | None = None,
    status: str = "approved",
    with_code: bool = True,
):
    from orgtree.models import Org
    from orgtree.services import org_insert

    code = region_code or (parent.region_id if parent is not None else "410000")
    org = Org(
        kind=kind,
        name=name or f"{kind}-{next(_credit_serial)}",
        region=region(code),
        status=status,
        credit_code=credit_code(code) if with_code and kind != "hrss" else None,
    )
    return org_insert(org=org, parent=parent)


def make_admin(org, *, username: str | None = None, name: str = ""):
    """An active admin of ``org`` with the role granted, as the services grant it."""
    from guardian.shortcuts import assign_perm

    from orgtree.models import OrgAdmin

    user = (
        UserFactory(username=username or None, id_number=None)
        if username
        else UserFactory(id_number=None)
    )
    if name:
        user.name = name
        user.save(update_fields=["name"])
    OrgAdmin.objects.create(
        org=org,
        user=user,
        name=user.name,
        gender="F",
        department="人事科",
        post="科员",
        phone="0375-1234567",
    )
    if org.status == "approved":
        assign_perm("orgtree.manage_org", user, org)
    return user


def make_person(
    unit,
    *,
    status: str = "approved",
    title_level: str = "intermediate",
    cert_no: str | None = None,
    user=None,
):
    from accounts.models import Person
    from portal.ids import birth_date_of, gender_of

    user = user or UserFactory(is_active=status == "approved")
    return Person.objects.create(
        user=user,
        unit=unit,
        org_path=unit.path,
        region=unit.region,
        title_level=title_level,
        gender=gender_of(user.id_number),
        birth_date=birth_date_of(user.id_number),
        status=status,
        cert_no=cert_no,
    )
