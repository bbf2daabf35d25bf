"""Widgets shared by the portal's forms."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A ``<select>`` built in Python, for the filter bars of the big lists.

    Django builds a dict per option and renders each through a template include: a filter
    bar with a few hundred options (the units of a scope, the categories) spent about 15 ms a
    page on that alone, half the budget of a review queue page. Same markup, without either.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        attributes = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attributes["multiple"] = True

        def options(choices) -> str:
            rows = []
            for option, label in choices:
                text = "" if option is None else str(option)
                selected = " selected" if text in chosen else ""
                rows.append(f'<option value="{_escape(text)}"{selected}>{_escape(label)}</option>')
            return "".join(rows)

        parts = []
        for option, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{_escape(option)}">{options(label)}</optgroup>')
            else:
                parts.append(options([(option, label)]))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attributes),
            mark_safe("".join(parts)),  # noqa: S308 (every value and label in it is escaped)
        )


def _escape(value) -> str:
    """Django's conditional escape, without its per-call overhead: safe strings pass as they
    are, anything else is escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
