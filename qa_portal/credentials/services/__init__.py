"""Credentials services, one module per area: keys, labels, status list, issuers, verification, DEQAR push."""
