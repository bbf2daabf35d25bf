from orgtree.models import Org, Region
from orgtree.reference import reference_load


def test_reference_data_has_every_henan_office_once(db):
    created = reference_load()

    assert created == {"regions": 178, "hrss_offices": 178}
    assert Region.objects.filter(level="city").count() == 18  # 17 cities and 济源
    province = Org.objects.get(region_id="410000")
    assert province.name == "河南省人力资源和社会保障厅" and province.parent is None
    assert Org.objects.get(region_id="419001").parent == province
    huaiyang = Org.objects.get(region_id="411603")
    assert huaiyang.name == "周口市淮阳区人力资源和社会保障局"
    assert huaiyang.parent.region_id == "411600"
    assert not Org.objects.filter(region_id="411626").exists()  # 淮阳县, replaced in 2019
    zone = Org.objects.get(region_id="411172")
    assert zone.name == "漯河市城乡一体化示范区组织人力资源和社会保障局"
    assert zone.parent.region_id == "411100"
    assert set(Org.objects.values_list("kind", "status").distinct()) == {("hrss", "approved")}


def test_reference_load_is_idempotent_and_builds_a_consistent_tree(db):
    reference_load()
    before = list(Org.objects.values_list("pk", "lft", "rght", "level", "path").order_by("pk"))

    assert reference_load() == {"regions": 0, "hrss_offices": 0}

    assert list(Org.objects.values_list("pk", "lft", "rght", "level", "path").order_by("pk")) == (
        before
    )
    for org in Org.objects.select_related("parent"):
        assert org.path == (org.parent.path if org.parent else "/") + f"{org.pk}/"
    Org.objects.rebuild()
    after = list(Org.objects.values_list("pk", "lft", "rght", "level", "path").order_by("pk"))
    assert after == before
