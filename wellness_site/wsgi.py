"""WSGI entry point, used by gunicorn: ``gunicorn wellness_site.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellness_site.settings")

application = get_wsgi_application()

# Read once here, before gunicorn forks its workers (preload_app): no
# visitor's search waits while a worker reads the word list, and the workers
# share one copy.
from content.english_words import common_english_words  # noqa: E402

common_english_words()
