"""Fixtures shared by the registry API tests."""
import pytest
from sqlalchemy import event

from qa_portal.extensions import db


@pytest.fixture
def statements():
    """Every SQL statement run while the test is in the block."""
    seen: list[str] = []

    def listener(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listener)
