"""Settings of the HTTP benchmarks (``portal.bench_http``): the production-like base settings
plus one bare view to compare the measured pages with. Never used to serve the portal."""

from .base import *  # noqa: F403

ROOT_URLCONF = "portal.bench_urls"
