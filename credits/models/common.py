"""Shared by the credits models."""

HOURS = {"max_digits": 6, "decimal_places": 1}
