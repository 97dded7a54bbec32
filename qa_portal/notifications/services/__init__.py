"""Notifications services: queueing messages in the outbox (outbox.py), who is told what (events.py), sending them
(sender.py), reminders (reminders.py) and deadlines (deadlines.py)."""
