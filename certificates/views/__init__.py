"""Views of the certificates app, one module per area (seals, issues, batch printing)."""
