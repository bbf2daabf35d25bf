"""Races that only a real database with row locks can show: PostgreSQL only (CI's second run).

Each thread gets its own connection (Django opens one per thread) and closes it when done.
"""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import CertificateCounter, Person
from accounts.services import person_approve, person_reject
from orgtree.models import Org
from orgtree.services import org_approve, org_register, org_reject
from portal.models import AuditLog
from tests.factories import credit_code, make_person

pytestmark = [pytest.mark.serial, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（.ci/run 的第二轮）")


def run_in_threads(jobs, workers: int = 8) -> list:
    """Runs callables on ``workers`` threads started together; returns results or exceptions."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(workers)
    lock = threading.Lock()
    queue = list(enumerate(jobs))

    def worker():
        barrier.wait()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    index, job = queue.pop(0)
                try:
                    results[index] = job()
                except Exception as exc:  # collected for the assertions
                    results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_200_approvals_from_8_threads_get_200_distinct_numbers(tree):
    units = [tree.hospital1, tree.xinhua_unit, tree.lh_hospital, tree.civil]
    pending = [make_person(units[i % len(units)], status="pending") for i in range(200)]
    approver = tree.admins["province"]

    results = run_in_threads(
        [lambda pk=p.pk: person_approve(actor=approver, person_id=pk) for p in pending]
    )

    assert not [r for r in results if isinstance(r, Exception)]
    numbers = list(Person.objects.values_list("cert_no", "unit__region_id"))
    assert len(numbers) == 200
    assert len({number for number, _ in numbers}) == 200
    for number, region_code in numbers:
        assert len(number) == 13 and number.isdigit()
        assert number[:6] == region_code
    per_prefix = Counter(region for _, region in numbers)
    for prefix, count in per_prefix.items():
        serials = sorted(int(n[6:]) for n, r in numbers if r == prefix)
        assert serials == list(range(1, count + 1))  # no gap, no duplicate
        assert CertificateCounter.objects.get(prefix=prefix).last_serial == count
    assert AuditLog.objects.filter(action="person.approve").count() == 200


def test_concurrent_approve_and_reject_of_the_same_people_decide_each_once(tree):
    pending = [make_person(tree.hospital1, status="pending") for _ in range(60)]
    unit_admin, province_admin = tree.admins["hospital1"], tree.admins["province"]
    jobs = []
    for person in pending:
        jobs.append(lambda pk=person.pk: person_approve(actor=unit_admin, person_id=pk))
        jobs.append(
            lambda pk=person.pk: person_reject(
                actor=province_admin, person_id=pk, reason="材料不全"
            )
        )

    results = run_in_threads(jobs)

    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 60 and all(isinstance(r, ValidationError) for r in failures)
    statuses = Counter(Person.objects.values_list("status", flat=True))
    assert sum(statuses.values()) == 60 and set(statuses) <= {"approved", "rejected"}
    approved = Person.objects.filter(status="approved")
    assert approved.exclude(cert_no__isnull=False).count() == 0
    assert Person.objects.filter(status="rejected", cert_no__isnull=False).count() == 0
    decisions = AuditLog.objects.filter(action__in=["person.approve", "person.reject"]).count()
    assert decisions == 60


def _filing(n: int) -> dict:
    return {
        "name": f"管理员{n}",
        "gender": "M",
        "department": "人事科",
        "post": "科员",
        "phone": "0375-2979956",
    }


def mptt_snapshot() -> dict:
    return {
        row[0]: row[1:]
        for row in Org.objects.values_list("pk", "lft", "rght", "tree_id", "level", "parent_id")
    }


def test_tree_stays_consistent_under_concurrent_registrations_and_decisions(tree):
    parents = [tree.pds, tree.health, tree.edu, tree.xinhua, tree.lh, tree.lh_health]
    specs = []
    for n in range(40):
        parent = parents[n % len(parents)]
        kind = (
            "unit" if parent.kind == "department" else ["department", "unit", "institution"][n % 3]
        )
        specs.append((n, parent, kind))

    def register(n, parent, kind):
        return org_register(
            kind=kind,
            parent=parent,
            name=f"并发注册机构{n:02d}",
            credit_code=credit_code(parent.region_id),
            username=f"branch{n}",
            password="Race@2026pw",
            filing=_filing(n),
        )

    registered = run_in_threads([lambda s=s: register(*s) for s in specs])
    assert not [r for r in registered if isinstance(r, Exception)]

    province = tree.admins["province"]
    decisions = []
    for index, org in enumerate(registered):
        if index % 4 == 0:
            decisions.append(lambda pk=org.pk: org_reject(actor=province, org_id=pk, reason="不符"))
        else:
            decisions.append(lambda pk=org.pk: org_approve(actor=province, org_id=pk))
    # Mix in more inserts while decisions run, under the same parents.
    decisions += [
        lambda s=(n + 100, parents[n % 6], "unit" if n % 2 else "department"): register(*s)
        for n in range(12)
        if parents[n % 6].kind == "hrss"
    ]
    results = run_in_threads(decisions)
    assert not [r for r in results if isinstance(r, Exception)]

    before = mptt_snapshot()
    Org.objects.rebuild()
    assert mptt_snapshot() == before  # the live tree equals a from-scratch rebuild
    for org in Org.objects.select_related("parent"):
        expected = (org.parent.path if org.parent else "/") + f"{org.pk}/"
        assert org.path == expected
    assert Org.objects.filter(name__startswith="并发注册机构", status="approved").count() == 30
