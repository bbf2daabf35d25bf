"""URLs of the certificates app: the admins' single and batch certificate queries."""

urlpatterns: list = []
