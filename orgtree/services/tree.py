"""The one place that writes the MPTT tree, always under one lock.

Concurrent MPTT inserts corrupt lft/rght (each reads its parent's rght, then shifts the rest), so
every insert takes a transaction-scoped advisory lock on PostgreSQL; SQLite serialises writers
already (the settings open transactions with BEGIN IMMEDIATE).
"""

from collections.abc import Iterable

from django.db import transaction

from portal.locks import transaction_lock

from ..models import Org

TREE_LOCK_KEY = 4_100_001  # any constant shared by all writers of the tree


def tree_lock() -> None:
    """Blocks until this transaction holds the tree lock (released at commit or rollback)."""
    transaction_lock(TREE_LOCK_KEY)


@transaction.atomic
def org_insert(*, org: Org, parent: Org | None) -> Org:
    """Inserts a new node under ``parent`` and sets its materialised path."""
    tree_lock()
    # Re-read the parent under the lock: its lft/rght may have moved since it was loaded.
    fresh_parent = Org.objects.get(pk=parent.pk) if parent is not None else None
    org.parent = fresh_parent
    org.save()
    org.path = f"{fresh_parent.path if fresh_parent else '/'}{org.pk}/"
    Org.objects.filter(pk=org.pk).update(path=org.path)
    return org


@transaction.atomic
def orgs_bulk_load(*, orgs: Iterable[Org]) -> list[Org]:
    """Creates many nodes at once (reference data): no per-row MPTT updates, one rebuild.

    Parents must come before their children; each org's ``parent`` is already set.
    """
    tree_lock()
    created = []
    with Org.objects.disable_mptt_updates():
        for org in orgs:
            # lft/rght/level/tree_id are placeholders until the rebuild below.
            org.lft = org.rght = org.level = org.tree_id = 0
            org.save()
            created.append(org)
    Org.objects.rebuild()
    paths_refresh()
    return created


def paths_refresh() -> None:
    """Recomputes every org's path from the parent links (after a bulk load)."""
    rows = list(Org.objects.values_list("pk", "parent_id", "path"))
    parents = {pk: parent for pk, parent, _ in rows}
    changed = []
    for pk, _, old in rows:
        chain, node = [], pk
        while node is not None:
            chain.append(node)
            node = parents[node]
        path = "/" + "/".join(str(n) for n in reversed(chain)) + "/"
        if path != old:
            changed.append(Org(pk=pk, path=path))
    Org.objects.bulk_update(changed, ["path"], batch_size=1000)
