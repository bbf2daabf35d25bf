from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Everyone who logs in: professionals and administrators alike.

    The Chinese name is one field (``name``); ``first_name``/``last_name`` of AbstractUser stay
    unused. ``id_number`` lets a professional log in with their resident ID number.
    """

    name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField(
        "身份证号", max_length=18, unique=True, null=True, blank=True, default=None
    )
    phone = models.CharField("手机号码", max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_username()

    def clean(self) -> None:
        super().clean()
        if self.id_number:
            from .ids import normalize_id_number

            self.id_number = normalize_id_number(self.id_number)
        else:
            self.id_number = None
