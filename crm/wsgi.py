"""WSGI entry point (gunicorn crm.wsgi)."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()


def tune_garbage_collector():
    """Collect as a server worker should, once what lives as long as the process is loaded.

    A page view allocates tens of thousands of short-lived objects, so with the default threshold (700)
    the cyclic collector runs many times per request and rescans everything loaded at start-up: about
    a tenth of a directory request's CPU. Objects that live as long as the process are moved out of its
    sight, and young collections run every 50,000 allocations (a few MB at most). bench/run.py calls this
    too, so that it measures pages as the server runs them.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


tune_garbage_collector()
