"""Institutions, micro-credential specifications, pilot calls, applications and selection."""
