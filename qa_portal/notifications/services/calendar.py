"""A user's deadlines as an iCalendar feed (RFC 5545): one VEVENT per open task at its due moment, with
the case reference, the task and the link — never confidential content. Written by hand: a dozen lines of text
format are simpler than a dependency."""
from datetime import timedelta

from flask_babel import force_locale

from qa_portal.core.models import utcnow
from qa_portal.core.urls import public_base_url, public_url
from qa_portal.notifications.services.deadlines import open_tasks
from qa_portal.notifications.services.outbox import recipient_locale


def _escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 §3.1)."""
    encoded, parts = line.encode(), []
    while len(encoded) > 75:
        cut = 75
        while (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = b" " + encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n".join(parts)


def calendar_of(user) -> str:
    """The user's open tasks with due dates as an iCalendar document, in their language."""
    host = public_base_url().split("://", 1)[1]
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//QA Portal//Deadlines//EN", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:QA Portal"]
    with force_locale(recipient_locale(user)):
        for task in open_tasks(user):
            endpoint, values = task.endpoint(user.id)
            summary = f"{task.reference}: {task.label}"
            lines += ["BEGIN:VEVENT", f"UID:{task.kind}-{task.object_id}@{host}", f"DTSTAMP:{stamp}",
                      f"DTSTART:{task.due_at:%Y%m%dT%H%M%SZ}",
                      f"DTEND:{task.due_at + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
                      f"SUMMARY:{_escape(summary)}", f"URL:{public_url(endpoint, **values)}",
                      f"DESCRIPTION:{_escape(public_url(endpoint, **values))}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
