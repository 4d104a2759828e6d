"""Gunicorn settings shared by the Docker image and `make serve`.

Threaded workers (gthread): a request mostly waits on the upstream API, so threads are
cheap concurrency; WSGI because WhiteNoise has no ASGI support.
"""

import os

from playground.cpus import available_cpus

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
wsgi_app = "playground.wsgi:application"
worker_class = "gthread"
# Two processes a core: Python threads share one core per process (the GIL), and `make
# bench` measured 300 polling tabs at p99 460 ms with 2 workers, 325 ms with 4 (2 cores).
# Cores this process may use (affinity, cgroup quota), not the host's: a container's limit.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * available_cpus())))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# Long enough for a slow upstream (API_READ_TIMEOUT) plus our own work.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM, in-flight requests get this long; below the 10 s a container runtime waits
# before SIGKILL (`docker stop`). Raise both together (`docker run --stop-timeout`).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "8"))
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
# The workers' heartbeat files: in memory where there is /dev/shm (Linux), so a read-only
# root filesystem works and a slow disk cannot make a busy worker look stalled.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
