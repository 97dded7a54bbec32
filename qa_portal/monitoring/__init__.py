"""Monitoring and evaluation of the pilot: offerings and their outcomes, feedback surveys after publication, the
officer dashboard, the public pilot page, the statistics API and the impact report (a leaf: reads everything)."""
