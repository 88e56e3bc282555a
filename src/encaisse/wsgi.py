"""WSGI entry point (``gunicorn encaisse.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
application = get_wsgi_application()
