"""The falsification bar on a person's or a unit's page: ``{% sanction_banner person=person %}``
or ``{% sanction_banner org=org %}``. One query (none for an org that is not a unit); nothing
is shown when no bar holds today."""

from django import template

from ..selectors_checks import sanctions_active_for

register = template.Library()


@register.inclusion_tag("includes/sanction_banner.html")
def sanction_banner(person=None, org=None) -> dict:
    if org is not None and org.kind != "unit":
        return {"sanctions": []}  # only units are sanctioned: no query on offices' pages
    # The bar that ends last is the one that matters.
    return {"sanctions": sanctions_active_for(person=person, org=org)[:1]}
