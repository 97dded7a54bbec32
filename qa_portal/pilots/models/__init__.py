"""Pilot models, one module per area; import them from here (`from qa_portal.pilots.models import ...`)."""
from qa_portal.pilots.models.institutions import Institution, InstitutionMembership

__all__ = ["Institution", "InstitutionMembership"]
