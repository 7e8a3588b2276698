"""Pages the security machinery answers with: the lockout page, 403 with a log line, /healthz."""
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.defaults import permission_denied as default_permission_denied

from ..security import log_csrf_failure, log_lockout, log_permission_denied

logger = logging.getLogger(__name__)


def lockout(request, original_response=None, credentials=None):
    """django-axes' lockout answer: the sign-in page again, with the username kept and why it is refused."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    log_lockout(request, username)
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out": True,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/login.html", context, status=429)


def permission_denied(request, exception=None):
    """handler403: log who was refused what, then Django's own 403 page."""
    log_permission_denied(request)
    return default_permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: log the refused write, then Django's own 403 page."""
    log_csrf_failure(request, reason)
    return default_csrf_failure(request, reason)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: the database does not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
