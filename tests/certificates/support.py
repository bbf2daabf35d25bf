"""What the certificate tests share: approved seals, filed years, rendered issues."""

from certificates.models import Seal
from certificates.services import seal_apply, seal_approve, seal_text_default
from credits.models import Requirement
from credits.services import person_years_refresh
from tests.credits.views_support import filed


def requirement_rows() -> None:
    if not Requirement.objects.exists():
        Requirement.objects.create(
            year_from=2013, year_to=2017, total_min=90, public_min=24, professional_min=66
        )
        Requirement.objects.create(year_from=2018, total_min=90, public_min=30, professional_min=60)


def approved_seal(tree, office, *, text: str = "") -> Seal:
    """``office``'s generated seal, applied by its admin and approved by the province."""
    seal = seal_apply(
        actor=tree.admins[_name(tree, office)],
        office_id=office.pk,
        text=text or seal_text_default(office),
        source=Seal.Source.GENERATED,
    )
    return seal_approve(actor=tree.admins["province"], seal_id=seal.pk)


def _name(tree, office) -> str:
    return next(name for name, admin in tree.admins.items() if getattr(tree, name) == office)


def filed_years(person, years, *, public=30, professional=60) -> None:
    """Filed public and professional hours for each of ``years`` and the summary refreshed."""
    requirement_rows()
    for year in years:
        if public:
            filed(person, "public_course", public, year=year)
        if professional:
            filed(person, "practice", professional, year=year)
    person_years_refresh(pairs=[(person.pk, year) for year in years])


def revoked_issue(tree, *, reason: str = "证明材料不实"):
    """A rendered 2019—2020 certificate of a professional of hospital1, revoked by 平顶山's
    HRSS admin with ``reason``."""
    from certificates.services import certificate_request, issue_render, issue_revoke
    from tests.factories import make_person

    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2019, 2020])
    approved_seal(tree, tree.pds)
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2020, enqueue=False
    )
    issue = issue_render(issue_id=issue.pk)
    assert issue.is_ready
    return issue_revoke(actor=tree.admins["pds"], issue_id=issue.pk, reason=reason)
