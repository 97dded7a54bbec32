"""Monitoring services: offerings and their validation, the CSV import, locked periods, surveys, statistics."""
