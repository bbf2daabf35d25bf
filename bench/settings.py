"""Settings of the benchmarks: the portal's base settings (so the environment chooses the
database, cache and broker as usual) plus the bench app and one bare view to compare the
measured pages with. Never used to serve the portal."""

from portal.settings.base import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  (the in-process page figures)
