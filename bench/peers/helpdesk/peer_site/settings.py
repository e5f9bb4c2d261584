"""A minimal Django project around django-helpdesk, for ``bench/intake_peer.py`` only.

The database comes from the environment: ``PEER_SQLITE`` (a file) or ``PEER_PG_DSN`` with
``PEER_PG_SCHEMA`` (its own schema). Mail goes nowhere; DEBUG is off; no request logging.
"""

import os

SECRET_KEY = "bench-peer-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
SITE_ID = 1
ROOT_URLCONF = "peer_site.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
STATIC_URL = "/static/"
LOGIN_URL = "/login/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "account",  # pinax_teams, which helpdesk's migrations depend on, needs these three
    "pinax.invitations",
    "pinax.teams",
    "reversion",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# The API key of the benchmark's operator: one token lookup per request, as zhili's X-API-Key.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
HELPDESK_ACTIVATE_API_ENDPOINT = True

if os.environ.get("PEER_PG_DSN"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PEER_PG_NAME", "test"),
            "USER": os.environ.get("PEER_PG_USER", "postgres"),
            "HOST": os.environ.get("PEER_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("PEER_PG_PORT", "5432"),
            "OPTIONS": {"options": f"-c search_path={os.environ['PEER_PG_SCHEMA']}"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("PEER_SQLITE", "/tmp/peer.sqlite3"),
        }
    }
