import re

from django.core.exceptions import ValidationError

CHARACTER_CLASSES = (
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)


class ComplexityValidator:
    """At least ``min_length`` characters drawn from at least ``min_classes`` of 4 classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for _, pattern in CHARACTER_CLASSES if pattern.search(password))
        if len(password) < self.min_length or present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return (
            f"密码至少 {self.min_length} 位，且须包含大写字母、小写字母、数字、符号"
            f"四类中的至少 {self.min_classes} 类。"
        )
