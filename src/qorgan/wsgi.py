"""WSGI entry point (gunicorn ``qorgan.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.prod")

application = get_wsgi_application()
