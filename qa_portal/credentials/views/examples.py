"""The examples /verify offers to try: credential files in QA_VERIFY_EXAMPLES_DIR (the demo writes a learner's badge
there) and the newest QA label of the register."""
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.credentials.models import QaLabel
from qa_portal.extensions import db

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Example:
    """A named credential text to try."""

    name: str
    text: str


def example_credentials() -> list[Example]:
    """Up to five example files (.json, .jwt) within the size limit, then the newest issued QA label."""
    examples = []
    configured = current_app.config.get("QA_VERIFY_EXAMPLES_DIR")
    limit = current_app.config["QA_VERIFY_MAX_KB"] * 1024
    if configured and Path(configured).is_dir():
        for path in sorted(Path(configured).iterdir())[:MAX_EXAMPLES]:
            if path.suffix in (".json", ".jwt") and path.is_file() and path.stat().st_size <= limit:
                examples.append(Example(path.stem.replace("-", " "), path.read_text(encoding="utf-8")))
    label = db.session.scalar(select(QaLabel).order_by(QaLabel.id.desc()).limit(1))
    if label is not None:
        examples.append(Example(_("QA label of %(reference)s", reference=label.decision.case.reference), label.jwt))
    return examples
