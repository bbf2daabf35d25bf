"""The portal's benchmarks: budgets are measured here, never by timed tests (DESIGN.md).

A small Django app that only ``bench.settings`` installs, so its management commands and its
extra URL exist for the benchmarks alone: run them as
``DJANGO_SETTINGS_MODULE=bench.settings python manage.py bench_<name>`` (the Makefile's
``bench-*`` targets do). It measures the whole portal and may import any app.
"""
