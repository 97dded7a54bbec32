"""JSON shapes of the API's resources: one module per area, plain dicts built from loaded models (no queries)."""
