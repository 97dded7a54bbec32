"""Demo data for `make run`: every role, and (as the lifecycle grows) cases in every stage."""
from qa_portal.demo import accounts, standards

# Each loader is idempotent and returns True when it created something.
LOADERS = [accounts.load, standards.load]


def load_demo() -> bool:
    """Run every domain's demo loader in lifecycle order; flushes, the command commits."""
    created = False
    for loader in LOADERS:
        created = loader() or created
    return created
