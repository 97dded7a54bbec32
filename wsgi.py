"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""
from qa_portal import create_app

app = create_app()
