"""Credentials: the agency's signed QA label (a W3C verifiable credential), its status list, keys, the public
verification of labels and learners' badges, and the push of published reports to DEQAR (a leaf package)."""
