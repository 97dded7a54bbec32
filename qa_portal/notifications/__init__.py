"""Notifications: the outbox of e-mails written in the same transaction as the change that causes them, the SMTP
sender (`flask mail send`, `flask mail worker`), who is told what, reminders, preferences and deadlines. A leaf: it
subscribes to the workflow's `transitioned` signal and to domain signals; nothing imports it."""
