"""Gunicorn settings shared by the Docker image and `make serve`.

Threaded workers (gthread): a request mostly waits on the upstream API, so threads are
cheap concurrency; WSGI because WhiteNoise has no ASGI support.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
wsgi_app = "playground.wsgi:application"
worker_class = "gthread"
# Two processes a core: Python threads share one core per process (the GIL), and `make
# bench` measured 300 polling tabs at p99 460 ms with 2 workers, 325 ms with 4 (2 cores).
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# Long enough for a slow upstream (API_READ_TIMEOUT) plus our own work.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
# The app logs one JSON line per request itself; gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Not SCRIPT_NAME or PATH_INFO (gunicorn's default): a trusted peer's request headers must
# not move the app's path; a sub-path comes from FORCE_SCRIPT_NAME (settings.py).
forwarder_headers = ""
preload_app = True
# No gunicornc control socket: nothing uses it, and its default path ($HOME/.gunicorn) is
# shared by every gunicorn of the user (a second `make serve` takes it over and deletes it
# on exit) and is not writable by the image's user.
control_socket_disable = True
