"""Public reads of certificate issues: by verification code, or a person's latest issue by
certificate number and name or by ID number and name. No scoping (anyone may verify a
certificate), so these return only the issue row: what it shows comes from its snapshot, and
the person's row, with the full ID number, is never loaded.

Each is one query. The lookups by a number and a name filter both in that one query, so a wrong
name and an unknown number take the same path and cost the same.
"""

from accounts.models import Person

from .models import CertificateIssue


def issue_by_code(code: str) -> CertificateIssue | None:
    """The issue with this (normalised) code, whatever its status."""
    try:  # get() drops the model's ordering: a bare lookup on the unique index
        return CertificateIssue.objects.get(code=code)
    except CertificateIssue.DoesNotExist:
        return None


def _latest(issues) -> CertificateIssue | None:
    # The newest issue of any status: a superseded or revoked latest issue shows as such.
    return (
        issues.filter(person__status=Person.Status.APPROVED).order_by("-issued_at", "-pk").first()
    )


def latest_issue_by_cert_no(cert_no: str, name: str) -> CertificateIssue | None:
    """The latest issue of the approved person holding this 证书管理号 and exactly this name;
    None when either does not match."""
    return _latest(
        CertificateIssue.objects.filter(person__cert_no=cert_no, person__user__name=name)
    )


def latest_issue_by_identity(id_number: str, name: str) -> CertificateIssue | None:
    """The latest issue of the approved person with this (normalised) ID number and exactly
    this name; None when either does not match."""
    return _latest(
        CertificateIssue.objects.filter(person__user__id_number=id_number, person__user__name=name)
    )
