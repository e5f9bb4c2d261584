"""Migrate, then create the operator (staff, with an API token) and one queue; prints
``<token> <queue id>``. Run with the peer venv's Python, from ``bench/peers/helpdesk``."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from helpdesk.models import Queue  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
user = get_user_model().objects.create_superuser("bench_operator", "op@example.com", "x" * 20)
token = Token.objects.create(user=user)
queue = Queue.objects.create(title="12345", slug="hotline", email_address="hotline@example.com")
print(token.key, queue.id)
