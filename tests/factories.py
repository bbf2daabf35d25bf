import functools

import factory
from django.contrib.auth.hashers import make_password

from accounts.ids import with_check_character
from accounts.models import User

DEFAULT_PASSWORD = "Test@2026pass"


@functools.cache
def _default_password_hash() -> str:
    # Argon2 is deliberately slow; hash once per test session, not once per user.
    return make_password(DEFAULT_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.LazyFunction(_default_password_hash)
    # Distinct, checksum-valid numbers: 平顶山市新华区, born 1985-03-12, sequence from n.
    id_number = factory.Sequence(lambda n: with_check_character(f"41040219850312{n % 1000:03d}"))
