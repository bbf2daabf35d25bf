"""URLs of the certificates app: Printing a certificate (person and admin), its progress, preview and download."""

urlpatterns: list = []
