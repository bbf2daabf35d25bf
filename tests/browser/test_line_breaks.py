"""On a 390 px phone the header's portal name, field labels, table headers, badges and buttons
break between words, never inside one (issue 16): measured in the rendered page, character by
character."""

import pytest

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST, SECOND = "河南省专业技术人员", "继续教育公共服务平台"
LABELS = ".brand-line, .field label, .field legend, .table th, .badge, .button"

# For each visible element: its text and, at each place where the next character starts a new
# line, the two characters on either side of that break.
BREAKS_JS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const breaks = [];
    let previous = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (!box.width || !box.height) { continue; }  // collapsed white space
        const ch = node.data[i];
        if (previous && box.top > previous.top + box.height / 2) { breaks.push(previous.ch + ch); }
        previous = { ch: ch, top: box.top };
      }
    }
    return { text: el.textContent.trim(), breaks: breaks };
  })"""


def breaks_of(page, selector: str) -> list[dict]:
    return page.evaluate(BREAKS_JS, selector)


def mid_word(pair: str) -> bool:
    """Two letters, digits or ideographs on either side of a line break: a word cut in two."""
    return pair[0].isalnum() and pair[1].isalnum()


def line_tops(page) -> list[float]:
    return page.eval_on_selector_all(
        ".brand-line", "(lines) => lines.map((line) => line.getBoundingClientRect().top)"
    )


@pytest.fixture
def professional(db, settings, tmp_path):
    from credits.models import Requirement
    from tests.credits.views_support import declaration
    from tests.factories import UserFactory, make_org, make_person

    settings.MEDIA_ROOT = tmp_path
    province = make_org("hrss", None, name="河南省人力资源和社会保障厅", region_code="410000")
    city = make_org("hrss", province, name="平顶山市人力资源和社会保障局", region_code="410400")
    unit = make_org("unit", city, name="平顶山市第一人民医院")
    Requirement.objects.create(year_from=2018, total_min=90, public_min=30, professional_min=60)
    person = make_person(unit, user=UserFactory(name="李明"))
    declaration(person, "paper_issn_cn", {"rank": 1}, title="心血管介入护理研究")
    return person


def test_the_phone_header_breaks_the_portal_name_only_between_its_halves(phone_page):
    phone_page.goto("/")

    assert phone_page.locator(".brand-line").all_inner_texts() == [FIRST, SECOND]
    rects = phone_page.eval_on_selector_all(
        ".brand-line", "(lines) => lines.map((line) => line.getClientRects().length)"
    )
    assert rects == [1, 1]  # each half is one box: on one line
    assert all(not item["breaks"] for item in breaks_of(phone_page, ".brand-line"))
    first, second = line_tops(phone_page)
    assert second > first  # too narrow for one line: the break falls between the halves
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_signed_in_phone_header_and_pages_cut_no_label_inside_a_word(open_as, professional):
    page = open_as(professional.user, PHONE)
    for path in (
        "/credits/",
        "/credits/declarations/",
        "/credits/declarations/new/?category=book",
    ):
        page.goto(path)
        found = breaks_of(page, LABELS)
        texts = [item["text"] for item in found]
        assert FIRST in texts and SECOND in texts
        cut = {item["text"]: item["breaks"] for item in found if any(map(mid_word, item["breaks"]))}
        assert cut == {}, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto("/credits/declarations/")
    headers = [item for item in breaks_of(page, ".table th") if item["text"]]
    assert {item["text"] for item in headers} >= {"年度", "项目名称", "学时", "状态"}
    assert all(item["breaks"] == [] for item in headers)  # every header on one line
    heights = page.eval_on_selector_all(
        ".table th",
        "(cells) => cells.filter((c) => c.getClientRects().length)"
        ".map((c) => Math.round(c.getBoundingClientRect().height))",
    )
    assert len(set(heights)) == 1  # no header cell grew a second line


def test_a_wide_screen_keeps_the_portal_name_on_one_line(page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/")
    first, second = line_tops(page)
    assert first == second
