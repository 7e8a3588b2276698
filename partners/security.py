"""The security log: sign-ins, failed sign-ins, lockouts and refused permissions.

Records name users by id and accounts by a keyed hash of the username, never by name, email,
password or IP address, so the log itself holds no personal data (Law 25) yet still shows
repeated attacks on one account.
"""
import hashlib
import hmac
import logging

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("partners.security")


def account_digest(username):
    """A short keyed hash of a username: the same account always gives the same digest."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (username or "").strip().lower().encode(), hashlib.sha256).hexdigest()[:12]


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins over HTTP; code that authenticates without a request
    (the shell, management commands) has no attacker to throttle, where axes would raise."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)



def attempt_username(request, credentials=None):
    """The username django-axes records an attempt under (AXES_USERNAME_CALLABLE), cut to fit its column.

    Django's login form does not check the username's length, so a sign-in with a 1,000-character name
    reached the attempts table and failed there on PostgreSQL (a 500). No account has such a name, so the
    cut name locks out nobody real.
    """
    from axes.models import AccessAttempt  # models load after this module, which the settings name

    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]


def _request_fields(request):
    if request is None:
        return {"method": "-", "path": "-"}
    return {"method": request.method, "path": request.path}


@receiver(user_logged_in, dispatch_uid="partners.security.login")
def log_login(sender, request, user, **kwargs):
    """A successful sign-in, by user id."""
    logger.info("login user_id=%s method=%s path=%s", user.pk, *_request_fields(request).values())


@receiver(user_login_failed, dispatch_uid="partners.security.login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    """A failed sign-in: the account as a digest; Django has already masked the password."""
    logger.warning(
        "login_failed account=%s method=%s path=%s",
        account_digest(credentials.get("username")),
        *_request_fields(request).values(),
    )


def log_lockout(request, username):
    """A sign-in refused because the account is locked."""
    logger.warning("login_locked account=%s method=%s path=%s", account_digest(username), *_request_fields(request).values())


def log_permission_denied(request):
    """A request refused with 403."""
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else "anonymous"
    logger.warning("permission_denied user_id=%s method=%s path=%s", user_id, *_request_fields(request).values())


def log_csrf_failure(request, reason):
    """A write refused for a missing or wrong CSRF token (Django's reason is a fixed English phrase)."""
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else "anonymous"
    logger.warning(
        "csrf_failure user_id=%s method=%s path=%s reason=%r", user_id, *_request_fields(request).values(), reason
    )
