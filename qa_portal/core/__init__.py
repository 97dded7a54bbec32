"""Shared infrastructure: base models, permissions helper, errors, security headers. No domain rules."""
