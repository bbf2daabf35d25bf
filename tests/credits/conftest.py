"""Fixtures that several credits test modules share; a module's own fixture of the same name wins.
The setup fixtures are asked for by name (``pytest.mark.usefixtures``), none is autouse."""

import pytest

from credits.signals import person_years_changed
from tests.credits.views_support import requirement_rows
from tests.factories import make_person


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Evidence files are written under a per-test directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def requirements_and_media(media_in_tmp, db):
    """The province's requirement rows, and evidence files under a per-test directory."""
    requirement_rows()


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1)


@pytest.fixture
def actor(person):
    return person.user


@pytest.fixture
def signals():
    """The (sender, person-year pairs) of every person_years_changed sent during the test."""
    received = []

    def receiver(sender, pairs, **kwargs):
        received.append((sender, list(pairs)))

    person_years_changed.connect(receiver)
    yield received
    person_years_changed.disconnect(receiver)


@pytest.fixture
def staff(tree):
    """Two people of hospital1 (under the health department), one of civil (no department) and
    one of the neighbouring city's hospital."""
    return {
        "a": make_person(tree.hospital1),
        "b": make_person(tree.hospital1),
        "civil": make_person(tree.civil),
        "neighbour": make_person(tree.lh_hospital),
    }
