"""Gunicorn settings for QA Portal (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`); every value can be set from the
environment file the systemd unit reads (deploy/.env.example)."""
import multiprocessing
import os

# Loopback only: nginx terminates TLS and proxies here. On a second app server, bind its private address and list
# it in nginx's upstream block.
bind = os.environ.get("QA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QA_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Sync workers by default; QA_THREADS > 1 switches to gthread (each thread has its own database session).
threads = int(os.environ.get("QA_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("QA_WORKER_TIMEOUT", 60))  # the bulk exports stream; nginx waits up to 120 s
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# The app writes one JSON line per request (logger qa_portal.request) to stderr; gunicorn's own access log would
# only repeat it without the request id, user, route or query count.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("QA_LOG_LEVEL", "info")

# Gunicorn believes X-Forwarded-Proto (https) only from these addresses: the proxy on this machine. The app reads
# X-Forwarded-For/Host through QA_TRUSTED_PROXIES (the number of proxies in front of it).
forwarded_allow_ips = os.environ.get("QA_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "qa-portal"
# Gunicorn's control socket would live in the service user's home (read-only under the unit's ProtectHome) and
# collide between two servers on one machine; systemd's signals (reload = HUP) are enough.
control_socket_disable = True
