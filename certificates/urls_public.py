"""Public URLs of the certificates app, mounted at the site root (no login): the verification
page that a certificate's QR code opens, the public lookup and the JSON API."""

app_name = "verify"

urlpatterns: list = []
