# syntax=docker/dockerfile:1
# The answerbot ranking API. Build from the repository root:
#   docker build -t answerbot-api .
# Run it against TF Serving and PostgreSQL with serving/docker-compose.yml (see serving/README.md).
# The model itself is not in this image: TF Serving hosts it (ANSWERBOT_ENCODER=grpc), or mount
# serving/models at /app/serving/models for the in-process default.

ARG PYTHON_VERSION=3.11

# --- build: a virtual environment with answerbot and its runtime dependencies (no dev extras) ---
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# dependencies first, so code edits do not reinstall TensorFlow
COPY pyproject.toml README.md ./
RUN mkdir -p answerbot && touch answerbot/__init__.py \
    && pip install --upgrade pip \
    && pip install . \
    && pip uninstall -y answerbot
COPY answerbot ./answerbot
RUN pip install --no-deps . && python -m compileall -q /opt/venv/lib

# --- runtime: the venv only, as an unprivileged user ---
FROM python:${PYTHON_VERSION}-slim AS runtime
RUN groupadd --system --gid 10001 answerbot \
    && useradd --system --uid 10001 --gid answerbot --home-dir /app --shell /usr/sbin/nologin answerbot \
    && mkdir -p /app/var /app/serving/models \
    && chown -R answerbot:answerbot /app
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    ANSWERBOT_HOST=0.0.0.0 \
    ANSWERBOT_PORT=8000 \
    ANSWERBOT_STORE_PATH=/app/var/answerbot.sqlite \
    ANSWERBOT_MODEL_ROOT=/app/serving/models/answerbot
WORKDIR /app
USER answerbot:answerbot
EXPOSE 8000
# start-period: TensorFlow import, connecting to the model host, re-encoding stale vectors
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('ANSWERBOT_PORT', '8000')}/healthz\", timeout=2)"]
CMD ["answerbot", "serve"]
