"""The header's portal name in the pieces a narrow screen may put on separate lines."""

from django import template

register = template.Library()

# 河南省专业技术人员 | 继续教育公共服务平台: the one place the official name may break.
BREAK_BEFORE = "继续教育"


@register.filter
def brand_lines(name: str) -> list[str]:
    """The name split before 继续教育; a renamed site without that phrase stays whole."""
    index = name.find(BREAK_BEFORE)
    return [name[:index], name[index:]] if index > 0 else [name]
