"""Per-user language choice, remembered across sessions."""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.utils.translation import check_for_language
from django.utils.decorators import method_decorator
from django.views import View

from ..models import UserPreference
from .base import safe_next


def remember_language(response, language):
    """Set the cookie LocaleMiddleware reads, so the choice holds before and after login."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@method_decorator(login_not_required, name="dispatch")
class LanguageView(View):
    """Switch the interface language; for a signed-in user the choice is kept on their preferences."""

    http_method_names = ["post"]

    def post(self, request):
        language = request.POST.get("language", "")
        response = HttpResponseRedirect(safe_next(request, "/"))
        if language in dict(settings.LANGUAGES) and check_for_language(language):
            if request.user.is_authenticated:
                UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
            remember_language(response, language)
        return response


class LoginView(auth_views.LoginView):
    """Django's login, then the language the user chose last time."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = UserPreference.objects.filter(user=form.get_user()).values_list("language", flat=True).first()
        return remember_language(response, language) if language else response
