"""The registry's stored public records for the demo's published decisions: the services store them as decisions are
published; this stores any a loader wrote directly (and the scale data's, `flask demo scale`)."""
from qa_portal.registry.services.records import store_missing_records


def load() -> bool:
    """Store the public record of every published decision that has none; True when it stored some."""
    return store_missing_records() > 0
