"""Text contrast of the stylesheets (issue 16): every colour pair the portal sets text in reaches
4.5:1, the WCAG 2.x minimum for body text.

The colours are read from the CSS itself (custom properties resolved, translucent layers
composited over what is under them, each stop of a gradient checked), so changing a colour in
the stylesheet is checked here without touching this file."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

MINIMUM = 4.5
CSS = Path(settings.BASE_DIR) / "static" / "css"
RGBA = tuple[float, float, float, float]


@dataclass(frozen=True)
class Rule:
    at_rule: str  # the enclosing @media (or other at-rule), "" at the top level
    selectors: tuple[str, ...]
    declarations: dict[str, str]


def rules_of(text: str) -> list[Rule]:
    """The style rules of a stylesheet, in order (at-rules' own declarations, as @page's, are
    not colours and are skipped)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules, at_rules, selectors = [], [], None
    for prelude, brace in re.findall(r"([^{}]*)([{}])", text):
        prelude = prelude.strip()
        if brace == "{":
            if prelude.startswith("@"):
                at_rules.append(prelude)
            else:
                selectors = tuple(" ".join(s.split()) for s in prelude.split(","))
        elif selectors is not None:
            declarations = {}
            for declaration in prelude.split(";"):
                name, colon, value = declaration.partition(":")
                if colon:
                    declarations[name.strip()] = " ".join(value.split())
            rules.append(Rule(at_rules[-1] if at_rules else "", selectors, declarations))
            selectors = None
        elif at_rules:
            at_rules.pop()
    return rules


@cache
def sheet(name: str) -> list[Rule]:
    return rules_of((CSS / name).read_text(encoding="utf-8"))


def declared(name: str, selector: str, prop: str) -> str:
    """The value ``selector`` (one of a rule's selectors, written as in the sheet) gives
    ``prop``: the last top-level rule that sets it, or else the last in an at-rule."""
    found = [
        rule for rule in sheet(name) if selector in rule.selectors and prop in rule.declarations
    ]
    top = [rule for rule in found if not rule.at_rule]
    if not (top or found):
        raise AssertionError(f"{name}: no {prop} for {selector!r}")
    return (top or found)[-1].declarations[prop]


def variables() -> dict[str, str]:
    """portal.css's custom properties, which verify.css uses too (it is loaded after it)."""
    root = next(rule for rule in sheet("portal.css") if rule.selectors == (":root",))
    return {name: value for name, value in root.declarations.items() if name.startswith("--")}


def colours_in(value: str) -> list[RGBA]:
    """Every colour a value names, custom properties resolved: one for a plain colour, one per
    stop for a gradient."""
    values = variables()

    def resolve(match: re.Match) -> str:
        name, fallback = match.group(1), match.group(2)
        return values.get(name) or (fallback or "").strip()

    while "var(" in value:
        value = re.sub(r"var\((--[\w-]+)(?:,([^()]*))?\)", resolve, value)
    found = []
    for token in re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|\bwhite\b|\bblack\b", value):
        found.append(parse_colour(token))
    assert found, f"no colour in {value!r}"
    return found


def parse_colour(token: str) -> RGBA:
    named = {"white": "#ffffff", "black": "#000000"}
    token = named.get(token, token)
    if token.startswith("#"):
        digits = token[1:]
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return (*(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)), alpha)
    parts = [p.strip() for p in re.split(r"[,\s/]+", token[token.index("(") + 1 : -1]) if p]
    alpha = float(parts[3]) if len(parts) > 3 else 1.0
    return (*(float(p) / 255 for p in parts[:3]), alpha)


def over(top: RGBA, under: RGBA) -> RGBA:
    """``top`` painted over an opaque ``under``."""
    alpha = top[3]
    return (*(t * alpha + u * (1 - alpha) for t, u in zip(top[:3], under[:3], strict=True)), 1.0)


def luminance(colour: RGBA) -> float:
    """Relative luminance (WCAG 2.x)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: RGBA, second: RGBA) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- The pairs the portal sets text in ------------------------------------------------------------

Ref = tuple[str, str, str]  # (sheet, selector, property)


def css(selector: str, prop: str, name: str = "portal.css") -> Ref:
    return (name, selector, prop)


INK, BG, CARD = css("body", "color"), css("body", "background"), css(".card", "background")
MUTED, LINK = css(".help", "color"), css("a", "color")
HEADER = css(".site-header", "background")
NAV = [HEADER, css(".site-nav", "background")]
MENU = css(".nav-group details > ul", "background")
VERIFY = "verify.css"


@dataclass(frozen=True)
class Pair:
    label: str
    text: Ref
    layers: list[Ref]  # the backgrounds under the text, the lowest first
    opacity: Ref | None = None  # an opacity the text is drawn with


def same(selector: str) -> Pair:
    """A selector of portal.css that sets both its text colour and its background."""
    return Pair(selector, css(selector, "color"), [css(selector, "background")])


PAIRS = [
    Pair("body text on the page", INK, [BG]),
    Pair("body text on a card or panel", INK, [CARD]),
    Pair("muted text (.help) on a card", MUTED, [CARD]),
    Pair("muted text (.help) on the page", MUTED, [BG]),
    Pair(".breadcrumbs on the page", css(".breadcrumbs", "color"), [BG]),
    Pair(".empty on the page", css(".empty", "color"), [BG]),
    Pair(".lead on the hero", css(".lead", "color"), [css(".hero", "background")]),
    Pair(".table td.detail-cell on a table", css(".table td.detail-cell", "color"), [CARD]),
    Pair(
        ".st-chart figcaption",
        css(".st-chart figcaption", "color"),
        [css(".st-chart", "background")],
    ),
    same(".site-footer"),
    Pair("link on a card", LINK, [CARD]),
    Pair("link on the page", LINK, [BG]),
    Pair("link on .skip-link:focus", LINK, [css(".skip-link:focus", "background")]),
    Pair(".card h2 on a card", css(".card h2", "color"), [CARD]),
    Pair(".hero h1 on the hero", css(".hero h1", "color"), [css(".hero", "background")]),
    Pair(".cr-notes on a card", css(".cr-notes", "color"), [CARD]),
    Pair(".cr-missing on a card", css(".cr-missing", "color"), [CARD]),
    Pair(".cr-ok on a card", css(".cr-ok", "color"), [CARD]),
    Pair(
        ".cr-file-icon on its preview",
        css(".cr-file-icon", "color"),
        [css(".cr-evidence-preview", "background")],
    ),
    Pair(".cr-link-danger on a card", css(".link-button.cr-link-danger", "color"), [CARD]),
    # The header and its menu, white on red (the nav bar darkens it, a hovered link lightens).
    Pair("header text", css(".site-header", "color"), [HEADER]),
    Pair(".brand on the header", css(".brand", "color"), [HEADER]),
    Pair(
        ".brand-sub on the header", css(".brand", "color"), [HEADER], css(".brand-sub", "opacity")
    ),
    Pair(".link-button (退出) on the header", css(".link-button", "color"), [HEADER]),
    Pair(".notification-link on the header", css(".notification-link", "color"), [HEADER]),
    Pair(".nav-toggle-label (菜单) on the nav", css(".nav-toggle-label", "color"), NAV),
    Pair(".site-nav a", css(".site-nav a", "color"), NAV),
    Pair(
        ".site-nav a:hover",
        css(".site-nav a", "color"),
        [*NAV, css(".site-nav a:hover", "background")],
    ),
    Pair("a group's menu", css(".site-nav a", "color"), [MENU]),
    Pair(
        "a group's menu, hovered",
        css(".site-nav a", "color"),
        [MENU, css(".site-nav a:hover", "background")],
    ),
    same(".notification-badge"),
    # Buttons.
    same(".button"),
    Pair(".button:hover", css(".button", "color"), [css(".button:hover", "background")]),
    Pair(".button-secondary", css(".button", "color"), [css(".button-secondary", "background")]),
    same(".button-small"),
    same(".button-ghost"),
    Pair(
        ".button-ghost:hover",
        css(".button-ghost", "color"),
        [css(".button-ghost:hover", "background")],
    ),
    same('.rv-tabs a[aria-current="page"]'),
    same(".acc-step"),
    # Forms and messages.
    Pair(".required on a form", css(".required", "color"), [css(".form", "background")]),
    Pair(".field-error on a form", css(".field-error", "color"), [css(".form", "background")]),
    same(".form-errors"),
    same(".message-success"),
    same(".message-info"),
    same(".message-warning"),
    same(".message-error"),
    Pair(".acc-choice, chosen", INK, [css(".acc-choice:has(input:checked)", "background")]),
    Pair(".cr-needs", INK, [css(".cr-needs", "background")]),
    Pair(
        ".cr-result-explanation",
        css(".cr-result-explanation", "color"),
        [css(".cr-result", "background")],
    ),
    Pair(".cr-result-hours", css(".cr-result-hours", "color"), [css(".cr-result", "background")]),
    # Tables, badges and the home page's counts.
    Pair(".table th", INK, [css(".table th", "background")]),
    Pair(".cr-numbers dt", css(".cr-numbers dt", "color"), [css(".cr-numbers div", "background")]),
    Pair(".badge", INK, [css(".badge", "background")]),
    same(".badge-done"),
    same(".badge-running"),
    same(".badge-failed"),
    same(".badge-org-pending"),
    same(".badge-org-approved"),
    same(".badge-org-rejected"),
    same(".badge-org-withdrawn"),
    same(".acc-badge-approved"),
    same(".acc-badge-pending"),
    same(".acc-badge-rejected"),
    Pair(".ws-count on a panel", css(".ws-count", "color"), [CARD]),
    Pair(".ws-none .ws-count on a panel", css(".ws-none .ws-count", "color"), [CARD]),
    Pair(".ws-facts dt on a panel", css(".ws-facts dt", "color"), [CARD]),
    # The public verification page (verify.css, over portal.css).
    Pair(
        "verify: 合格 status",
        css(".vf-status-label", "color", VERIFY),
        [css(".vf-status", "background", VERIFY)],
    ),
    Pair(
        "verify: 已替代 status",
        css(".vf-status-superseded .vf-status-label", "color", VERIFY),
        [css(".vf-status-superseded", "background", VERIFY)],
    ),
    Pair(
        "verify: 已作废 status",
        css(".vf-status-revoked .vf-status-label", "color", VERIFY),
        [css(".vf-status-revoked", "background", VERIFY)],
    ),
    Pair("verify: .vf-done", css(".vf-done", "color", VERIFY), [CARD]),
    Pair("verify: .vf-short", css(".vf-short", "color", VERIFY), [CARD]),
    Pair("verify: .vf-void", css(".vf-void", "color", VERIFY), [CARD]),
    Pair("verify: .vf-hash", INK, [css(".vf-hash", "background", VERIFY)]),
    Pair("verify: legend", css(".vf-fieldset legend", "color", VERIFY), [CARD]),
    # Paper.
    Pair(
        "print: body", css("body", "color", "print.css"), [css("body", "background", "print.css")]
    ),
]


def ratios(pair: Pair) -> list[float]:
    """The pair's contrast over each background it can have (one per gradient stop)."""
    grounds = [(1.0, 1.0, 1.0, 1.0)]  # the canvas under everything
    for layer in pair.layers:
        grounds = [over(top, under) for under in grounds for top in colours_in(declared(*layer))]
    text = colours_in(declared(*pair.text))[0]
    if pair.opacity is not None:
        text = (*text[:3], text[3] * float(declared(*pair.opacity)))
    return [contrast(over(text, ground), ground) for ground in grounds]


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.label for pair in PAIRS])
def test_text_contrast_is_at_least_4_5(pair):
    assert min(ratios(pair)) >= MINIMUM, f"{pair.label}: {[round(r, 2) for r in ratios(pair)]}"


def test_the_parser_reads_the_stylesheet_as_written():
    assert declared("portal.css", ".card", "background") == "var(--card)"
    assert colours_in("var(--card)") == [(1.0, 1.0, 1.0, 1.0)]
    assert len(colours_in(declared("portal.css", ".site-header", "background"))) == 2
    assert parse_colour("rgba(0, 0, 0, .18)") == (0.0, 0.0, 0.0, 0.18)
    # The WCAG's own extremes: black on white is 21:1, a colour on itself 1:1.
    assert round(contrast(parse_colour("#000"), parse_colour("#fff")), 2) == 21.0
    assert contrast(parse_colour("#777"), parse_colour("#777")) == 1.0
    # In print.css body is black on white whatever portal.css says.
    assert declared("print.css", "body", "color") == "#000"
