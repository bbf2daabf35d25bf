# The portal's image: the same Debian packages `make run` installs, the project, collected static
# files. One image serves web (gunicorn + whitenoise), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal
WORKDIR /app
COPY --chown=portal:portal . /app
RUN pip install -e . \
    && DJANGO_SETTINGS_MODULE=portal.settings.production \
       DJANGO_SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdef \
       DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 \
       DJANGO_ALLOWED_HOSTS=localhost \
       CERT_KEK=collectstatic-only-never-decoded \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/beat /app/var/fonts \
    && chown -R portal:portal /app/var /app/staticfiles

USER portal
ENV DJANGO_SETTINGS_MODULE=portal.settings.production
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
