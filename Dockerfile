# The playground as a team service: tini as PID 1, then bin/start (migrations, then gunicorn
# with gthread workers; WhiteNoise serves the static files).

# --- build: a virtualenv with the project and its dependencies ---------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
# No pip or setuptools in the virtualenv: the base image's pip installs into it.
RUN python -m venv --without-pip /venv
# The dependencies, read from pyproject.toml alone: this layer is rebuilt only when
# pyproject.toml changes, not on every code change.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" > /tmp/deps.txt \
    && pip --python /venv/bin/python install -r /tmp/deps.txt
# The project itself, without dependencies; its build leftovers are removed, not shipped.
COPY README.md ./
COPY playground ./playground
RUN pip --python /venv/bin/python install --no-deps . \
    && rm -rf build ./*.egg-info
COPY manage.py gunicorn.conf.py ./
COPY templates ./templates
COPY static ./static
COPY bin ./bin
# Fingerprinted, compressed static files, made once at build time (DEBUG only for this step).
RUN DEBUG=1 /venv/bin/python manage.py collectstatic --noinput -v0

# --- runtime: slim image, non-root user ----------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PATH="/venv/bin:$PATH" PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 PORT=8000 DATABASE_URL=sqlite:////data/db.sqlite3
# tini (Debian's, pinned to bookworm's build) runs as PID 1: it passes `docker stop`'s
# SIGTERM on and reaps orphans. The base image's pip and setuptools are not needed to run.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/* \
    && python -m pip uninstall -y -q pip setuptools wheel \
    && groupadd --system --gid 10001 playground \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin \
        playground \
    && mkdir /data && chown playground /data
COPY --from=build /venv /venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
# Numeric, so a runtime can tell it is not root (Kubernetes' runAsNonRoot).
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
# Probed every second while starting, so a started container is healthy within seconds;
# then every 15 s.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --start-interval=1s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=2)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# bin/start runs the migrations (idempotent; they seed the sandbox) and then gunicorn.
CMD ["/app/bin/start"]
