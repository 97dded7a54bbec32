"""Pilot forms, one module per area."""
