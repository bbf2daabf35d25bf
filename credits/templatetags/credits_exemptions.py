"""Display of 第八条's condition on an exemption, for its page and the reviewer's."""

from django import template

from ..services.exemptions import exemption_condition, exemption_rule_error, exemption_summary

register = template.Library()


@register.filter
def exemption_line(exemption) -> str:
    """境外工作 · 在岗 5 个月（需不足 6 个月）."""
    return exemption_summary(exemption.reason, exemption.on_duty_months)


@register.filter
def exemption_need(exemption) -> str:
    """需不足 6 个月 for abroad and sick leave; "" for the reasons without a condition."""
    return exemption_condition(exemption.reason)


@register.filter
def exemption_breach(exemption) -> str:
    """Why the months do not meet the reason's condition ("" when they do): only rows saved
    before the condition was enforced can show it, and they cannot be filed."""
    return exemption_rule_error(exemption.reason, exemption.on_duty_months, filled_by="申请人")
