"""Demo data for `make run`: every role, and cases in every stage of the lifecycle built so far."""
from qa_portal.demo import (accounts, calls, credentials, experts, monitoring, notifications, panels, pilots, records,
                            reviews, standards)

# In lifecycle order; each loader is idempotent and returns True when it created something.
LOADERS = [
    accounts.load,
    experts.load,  # expert profiles, right after the accounts they belong to
    standards.load,
    pilots.load,  # institutions' details and specifications
    calls.load,  # pilot calls: after the standards and the specifications they use
    reviews.load,  # review cases in the SER stages, after the calls that open them
    panels.load,  # one case in each panel stage, from an accepted SER to a final report
    credentials.load,  # signing key, QA labels of the published decisions, a learner's badge to verify
    records.load,  # the stored public record of any published decision a loader wrote without the services
    monitoring.load,  # offerings with outcomes, answered feedback surveys (after the published cases)
    notifications.load,  # last: the outbox holds what every earlier step queued, and an example of every kind
]


def load_demo() -> bool:
    """Run every domain's demo loader in lifecycle order; flushes, the command commits."""
    created = False
    for loader in LOADERS:
        created = loader() or created
    return created
