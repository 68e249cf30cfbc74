# One image for web, worker and beat. Static files are collected at build time and served by WhiteNoise.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# A TrueType CJK font for the Chinese text of certificate PDFs (reportlab embeds TrueType, not CFF/OpenType CJK);
# pg_dump and pg_restore for `manage.py backup` / `restore` (as new as the PostgreSQL server, or newer).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only STATIC_MANIFEST=true python manage.py collectstatic --noinput
RUN useradd --system --home /app qualitypath && mkdir -p /app/media && chown qualitypath /app/media
USER qualitypath
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
