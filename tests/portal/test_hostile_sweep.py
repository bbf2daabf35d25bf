"""Every URL of the portal, as every role, with hostile values in the path, the query string
and the form: no answer is a 5xx, and no script comes back unescaped (issue 11).

The URL patterns are walked from the resolver, so a new page is swept without being listed
here; only the ids that lead it to a real object (past its 404, to its forms) are named, in
``world_build``, and the test says so when one is missing.

Per route and method, each role first sends every parameter name the portal knows, the values
dealt out in turn (the ``i``-th name gets ``HOSTILE[i % len(HOSTILE)]``), and ``Reads`` records
which names the view read. A role turned away at the door is done with the route. Then each
value in turn goes into every name read, the rounds shared out among the roles let in, so that
every name gets every value in ``len(HOSTILE)`` requests, not one request per name and value.
A form refuses the whole request when one field is bad, which would hide what the other fields
do with a value they accept (a far date, a huge number): a GET whose form refused some fields
is sent again with only the fields it accepted. Last come hostile path parameters (per
converter) and a NUL in the query string.
"""

import pytest
from django.db import transaction
from django.test import Client, override_settings

import orgtree.views.registration
from tests.portal.sweep_support import ROLES, Reads, Sweep, parameter_names, routes
from tests.portal.sweep_world import real_kwargs, world_build
from tests.shared_tree import SHARED_TREE


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects, built once in a transaction that is rolled back when the module ends (the
    test runs in a savepoint of it), their files in a directory of their own."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("m")):
        SHARED_TREE.arrange(wanted=False)  # the world builds a tree of its own
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def relaxed_limits(settings, monkeypatch):
    """Rate limits high enough that every hostile value reaches the form behind them."""
    for name in (
        "CERT_LOOKUP_RATE_LIMIT",
        "CERT_VERIFY_RATE_LIMIT",
        "HOURS_COMPUTE_RATE_LIMIT",
        "LOGIN_IP_FAILURE_LIMIT",
        "PERSON_REGISTER_RATE_LIMIT",
    ):
        setattr(settings, name, 10**6)
    monkeypatch.setattr(orgtree.views.registration, "REGISTER_POSTS_PER_HOUR", 10**6)


def test_no_hostile_value_reaches_a_500(world, relaxed_limits, db, monkeypatch):
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
    signed_in = {role: dict(client.cookies.items()) for role, client in clients.items()}
    sweep = Sweep(clients, parameter_names(), Reads(monkeypatch))
    for route in routes():
        with transaction.atomic():
            sweep.route(route, real_kwargs(world, route))
            transaction.set_rollback(True)  # each route starts from the same objects
        for role, client in clients.items():
            client.cookies.update(signed_in[role])  # a logout's session is back: restore it
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.requests} requests:\n" + (
        "\n".join(sweep.failures[:40])
    )
