"""Demo data for `make run`: every role, and (as the lifecycle grows) cases in every stage."""
from qa_portal.demo import accounts, pilots, standards
from qa_portal.demo import calls  # noqa: E402  (pilot calls, after the specifications loader)

# Each loader is idempotent and returns True when it created something.
LOADERS = [accounts.load, standards.load, pilots.load]
from qa_portal.demo import experts  # noqa: E402  (expert profiles, right after the accounts they belong to)
LOADERS.insert(LOADERS.index(accounts.load) + 1, experts.load)
LOADERS.append(calls.load)  # pilot calls: after the standards and specifications loaders
from qa_portal.demo import reviews  # noqa: E402  (review cases, after the calls that open them)
LOADERS.append(reviews.load)


def load_demo() -> bool:
    """Run every domain's demo loader in lifecycle order; flushes, the command commits."""
    created = False
    for loader in LOADERS:
        created = loader() or created
    return created
