# syntax=docker/dockerfile:1
# The playground as a team service: gunicorn (gthread) + WhiteNoise, migrations at start.

# --- build: a virtualenv with the project and its dependencies ---------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python -m venv /venv
COPY pyproject.toml README.md ./
COPY playground ./playground
RUN /venv/bin/pip install --upgrade pip && /venv/bin/pip install ".[postgres]"
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
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin playground \
    && mkdir /data && chown playground /data
COPY --from=build /venv /venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
USER playground
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
# bin/start runs the migrations (idempotent; they seed the sandbox) and then gunicorn.
CMD ["/app/bin/start"]
