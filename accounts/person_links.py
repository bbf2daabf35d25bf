"""Buttons that other apps add to an admin's page of one person.

accounts cannot import the apps to its right, so each app registers its page about a person
(a URL name taking the person's pk) with a predicate on (user, person) saying when it applies.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PersonLink:
    label: str
    url_name: str
    visible: Callable[[object, object], bool]


PERSON_LINKS: list[PersonLink] = []


def register_person_link(label: str, url_name: str, visible: Callable[[object, object], bool]):
    if any(link.url_name == url_name for link in PERSON_LINKS):
        return  # ready() may run twice in some test set-ups
    PERSON_LINKS.append(PersonLink(label, url_name, visible))


def person_links_for(user, person) -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[person.pk])}
        for link in PERSON_LINKS
        if link.visible(user, person)
    ]
