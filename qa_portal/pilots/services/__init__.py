"""Pilot services, one module per area: institutions, specifications, calls, applications, selection."""
