"""The tests' small province (``Tree``), and the one committed copy of it that tests share.

Building a Tree through the real services takes a tenth of a second, and about 1,300 tests ask
for one. So the tree is committed once and every non-transactional test that asks for ``tree``
runs in its own transaction over that copy (rolled back at its end), with a fresh Python object
read back by primary key.

The copy is in the database exactly while a test that asked for it runs: the other tests (and
module fixtures that commit data of their own) expect the empty database they always had, so
``shared_tree_arrange`` (called by tests/conftest.py before each test opens its transaction)
removes the copy before them and builds it again, committed, before the next test that asks.
In file order that is a few dozen switches a session. A transactional test starts without the
copy and flushes every table at its end; ``SharedTree.present`` checks the rows themselves, so a
flush, whoever did it, only means one rebuild.
"""

from django.db import connection, transaction

from tests.factories import REGIONS, make_admin, make_org

ORG_NAMES = (
    "province",
    "pds",
    "health",
    "hospital1",
    "hospital2",
    "edu",
    "school",
    "civil",
    "xinhua",
    "xinhua_unit",
    "institution",
    "lh",
    "lh_health",
    "lh_hospital",
)


class Tree:
    """A small province for tests: two cities, departments, units with and without one.

    province (河南省人社厅)
      pds (平顶山市人社局, 410400)
        health (平顶山市卫生健康委员会) -> hospital1, hospital2 (units)
        edu (平顶山市教育局) -> school (unit)
        civil (平顶山市人防办: a unit without a department)
        xinhua (新华区人社局, 410402) -> xinhua_unit (unit)
        institution (平顶山市继续教育基地)
      lh (漯河市人社局, 411100)
        lh_health (漯河市卫生健康委员会) -> lh_hospital (unit)
    Each org has one admin: tree.admins["hospital1"] etc.

    ``Tree()`` builds a new one through the services; the ``tree`` fixture hands out the shared
    copy instead (``SharedTree.load``), with the same attributes.
    """

    def __init__(self):
        self.province = make_org(
            "hrss", None, name="河南省人力资源和社会保障厅", region_code="410000"
        )
        self.pds = make_org(
            "hrss", self.province, name="平顶山市人力资源和社会保障局", region_code="410400"
        )
        self.health = make_org("department", self.pds, name="平顶山市卫生健康委员会")
        self.hospital1 = make_org("unit", self.health, name="平顶山市第一人民医院")
        self.hospital2 = make_org("unit", self.health, name="平顶山市第二人民医院")
        self.edu = make_org("department", self.pds, name="平顶山市教育局")
        self.school = make_org("unit", self.edu, name="平顶山市第一中学")
        self.civil = make_org("unit", self.pds, name="平顶山市人民防空办公室")
        self.xinhua = make_org(
            "hrss", self.pds, name="新华区人力资源和社会保障局", region_code="410402"
        )
        self.xinhua_unit = make_org("unit", self.xinhua, name="新华区人民医院")
        self.institution = make_org("institution", self.pds, name="平顶山市继续教育基地")
        self.lh = make_org(
            "hrss", self.province, name="漯河市人力资源和社会保障局", region_code="411100"
        )
        self.lh_health = make_org("department", self.lh, name="漯河市卫生健康委员会")
        self.lh_hospital = make_org("unit", self.lh_health, name="漯河市中心医院")
        self.admins = {name: make_admin(getattr(self, name)) for name in ORG_NAMES}
        self.refresh()  # later inserts moved the earlier nodes' lft/rght

    @classmethod
    def of_rows(cls, orgs: dict, admins: dict) -> "Tree":
        """A Tree over rows that exist already (``orgs`` and ``admins`` keyed by name)."""
        tree = cls.__new__(cls)
        for name in ORG_NAMES:
            setattr(tree, name, orgs[name])
        tree.admins = admins
        return tree

    def refresh(self):
        for value in vars(self).values():
            if hasattr(value, "refresh_from_db"):
                value.refresh_from_db()


class SharedTree:
    """The committed copy of a Tree in this process's test database, known by primary keys."""

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        self.org_pks: dict[str, int] = {}
        self.admin_pks: dict[str, int] = {}
        self.usernames: dict[int, str] = {}
        self.region_codes: list[str] = []  # those the build created, not those it found

    def present(self) -> bool:
        """Whether the committed rows are still there (a flush may have removed them)."""
        from accounts.models import User

        if not self.usernames:
            return False
        rows = User.objects.filter(pk__in=self.usernames).values_list("pk", "username")
        return dict(rows) == self.usernames

    def build(self) -> None:
        from orgtree.models import Region

        regions_before = set(Region.objects.filter(code__in=REGIONS).values_list("code", flat=True))
        with transaction.atomic():
            tree = Tree()
        self.org_pks = {name: getattr(tree, name).pk for name in ORG_NAMES}
        self.admin_pks = {name: user.pk for name, user in tree.admins.items()}
        self.usernames = {user.pk: user.username for user in tree.admins.values()}
        self.region_codes = sorted(
            set(Region.objects.filter(code__in=REGIONS).values_list("code", flat=True))
            - regions_before
        )

    def remove(self) -> None:
        """Deletes the rows ``build`` made, committed. Raw deletes in one transaction: the orgs
        protect their children and regions, and foreign keys are checked at commit."""
        from guardian.utils import get_user_obj_perms_model

        from accounts.models import User
        from orgtree.models import Org, OrgAdmin, Region

        orgs, users = list(self.org_pks.values()), list(self.admin_pks.values())
        with transaction.atomic():
            rows_delete(get_user_obj_perms_model(), "user", users)
            rows_delete(OrgAdmin, "org", orgs)
            rows_delete(Org, "id", orgs)
            rows_delete(User, "id", users)
            rows_delete(Region, "code", self.region_codes)
        self.forget()

    def arrange(self, *, wanted: bool) -> None:
        """Makes the copy present (committed) or absent, whichever the next test needs.

        Not inside a transaction that a module fixture holds open: what happens there is rolled
        back when the module ends, so such a fixture arranges before it opens one."""
        if connection.in_atomic_block:
            return
        present = self.present()
        if wanted and not present:
            self.build()
        elif present and not wanted:
            self.remove()

    def load(self) -> Tree | None:
        """A fresh Tree over the committed rows, or None when they are not there."""
        from accounts.models import User
        from orgtree.models import Org

        if not self.usernames:
            return None
        orgs = Org.objects.in_bulk(list(self.org_pks.values()))
        users = User.objects.in_bulk(list(self.admin_pks.values()))
        if (
            len(orgs) != len(self.org_pks)
            or {pk: user.username for pk, user in users.items()} != self.usernames
        ):
            return None
        return Tree.of_rows(
            {name: orgs[pk] for name, pk in self.org_pks.items()},
            {name: users[pk] for name, pk in self.admin_pks.items()},
        )


def ruzhou_add(tree: Tree) -> Tree:
    """Adds 汝州 (410482), a 省直管县（市）, to ``tree`` in the calling test's transaction (the
    shared copy stays as it is): its HRSS office under 平顶山's, where the tree keeps it, and a
    unit without a department under that office, each with an admin: ``tree.ruzhou``,
    ``tree.ruzhou_unit``, ``tree.admins["ruzhou"]``, ``tree.admins["ruzhou_unit"]``."""
    from orgtree.models import Org, Region
    from orgtree.services import org_insert
    from tests.factories import credit_code

    Region.objects.update_or_create(
        code="410482",
        defaults={
            "name": "汝州市",
            "level": Region.Level.COUNTY,
            "parent_id": tree.pds.region_id,
            "directly_administered": True,
        },
    )
    tree.ruzhou = org_insert(
        org=Org(
            kind=Org.Kind.HRSS,
            name="汝州市人力资源和社会保障局",
            region_id="410482",
            status=Org.Status.APPROVED,
        ),
        parent=tree.pds,
    )
    tree.ruzhou_unit = org_insert(
        org=Org(
            kind=Org.Kind.UNIT,
            name="汝州市人民医院",
            region_id="410482",
            status=Org.Status.APPROVED,
            credit_code=credit_code("410482"),
        ),
        parent=tree.ruzhou,
    )
    tree.admins["ruzhou"] = make_admin(tree.ruzhou)
    tree.admins["ruzhou_unit"] = make_admin(tree.ruzhou_unit)
    return tree


def rows_delete(model, field: str, values: list) -> None:
    """DELETE of the rows whose ``field`` is in ``values``, without the ORM's collector (which
    refuses to delete protected rows even when their protectors go too)."""
    if not values:
        return
    quote = connection.ops.quote_name
    table, column = model._meta.db_table, model._meta.get_field(field).column
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({placeholders})", values
        )


# One per process: each xdist worker has its own test database and its own copy.
SHARED_TREE = SharedTree()
