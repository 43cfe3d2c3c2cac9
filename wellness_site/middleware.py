"""Site-wide middleware."""

from django.db import DatabaseError, connection
from django.http import HttpResponse

LIVENESS_PATH = "/health/live/"
READINESS_PATH = "/health/ready/"


def _plain(text, status):
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer load-balancer probes before anything else runs.

    Liveness touches nothing: it says the process can serve. Readiness asks
    the database for ``SELECT 1`` and answers 503 when it cannot. Both answer
    whatever the Host header says, because probes come by IP address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVENESS_PATH:
            return _plain("ok\n", 200)
        if request.path == READINESS_PATH:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except DatabaseError:
                return _plain("database unavailable\n", 503)
            return _plain("ready\n", 200)
        return self.get_response(request)
