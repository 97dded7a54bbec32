"""The daily maintenance pass (`flask maintenance daily`, run by the systemd timer): packages hook their jobs onto the
`daily_maintenance` signal in their subscribers.py; each job is a receiver `job(app, now=...) -> str` that changes
things through services (which flush) and returns a one-line summary, or raises MaintenanceProblem."""
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from blinker import ANY, Namespace

_signals = Namespace()

daily_maintenance = _signals.signal("daily-maintenance")


class MaintenanceProblem(Exception):
    """A daily job found something a person must look at (the command then exits non-zero)."""


@dataclass(frozen=True)
class MaintenanceJob:
    """One receiver of daily_maintenance, named after its package and function."""

    name: str
    run: Callable[..., str]


def daily_jobs(package_order: Sequence[str] = ()) -> Iterator[MaintenanceJob]:
    """The jobs connected to daily_maintenance, upstream packages first (in `package_order`, the app factory's
    PACKAGES; a package's own jobs in the order it connected them). Connection order alone depends on which module
    happened to be imported first."""
    jobs = []
    for receiver in daily_maintenance.receivers_for(ANY):
        package = receiver.__module__.removeprefix("qa_portal.").split(".")[0]
        jobs.append(MaintenanceJob(f"{package}.{receiver.__name__}", receiver))
    rank = {package: index for index, package in enumerate(package_order)}
    yield from sorted(jobs, key=lambda job: rank.get(job.name.split(".")[0], len(rank)))
