"""URLs of the certificates app: Seal applications, approval and revocation."""

urlpatterns: list = []
