"""The admin site staff use: a second factor on every login, and its enrolment pages.

With ``TWO_FACTOR_REQUIRED`` on (always, unless DEBUG), a user is let into
any admin page only once this session passed a code from an authenticator
app or a backup code. Every admin page, custom views included, is reached
through ``admin_view``, which asks ``has_permission``; a password alone
answers no.
"""

from functools import wraps

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellness_site import two_factor
from wellness_site.clientip import client_ip

# The one answer to every failed sign-in. Saying which part was wrong would
# tell someone guessing passwords when a guess was right, or that a name exists.
SIGN_IN_FAILED = _(
    "Sign-in did not work. Check your user name and password, and type the newest "
    "code from your authenticator app (codes change every 30 seconds) or one of your "
    "backup codes."
)


class CodeInput(forms.TextInput):
    """A text box for a one-time code that is never filled back in after a failure."""

    def format_value(self, value):
        return None


class StaffLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """User name, password and a code from an authenticator app or a backup code.

    Whatever was wrong (an unknown name, a wrong password, a right password
    with a wrong, missing or throttled code, an inactive or non-staff
    account) the form gives the same single error, and every such failure
    counts towards the lockout.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        strip=True,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=CodeInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def _update_form(self, user):
        # django-otp would list the user's devices and echo the password back
        # into the page after a wrong code; neither is wanted here.
        pass

    def _verify_token(self, user, token, device=None):
        # django-otp asks which device a code is from; we tell from the code.
        if device is not None:
            return super()._verify_token(user, token, device)
        error = ValidationError(self.otp_error_messages["invalid_token"], code="invalid_token")
        for candidate in two_factor.devices_for_code(user, token):
            try:
                return super()._verify_token(user, token, candidate)
            except ValidationError as failure:
                error = failure
        raise error

    @sensitive_variables()
    def clean(self):
        try:
            cleaned_data = super().clean()
            if settings.TWO_FACTOR_REQUIRED or cleaned_data.get("otp_token"):
                self.clean_otp(self.get_user())
        except ValidationError:
            if self.user_cache is not None:
                # The password was right, so authenticate() counted nothing; a
                # wrong code (or a non-staff account) is a failed login for the
                # lockout too, so a stolen password does not let codes be tried
                # at leisure.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
                self.user_cache = None
            raise ValidationError(SIGN_IN_FAILED, code="invalid_login") from None
        return cleaned_data


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code shown in the app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class StaffAdminSite(admin.AdminSite):
    site_header = _("Treatment center staff")
    site_title = _("Staff")
    index_title = _("Staff pages")
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.TWO_FACTOR_REQUIRED or request.user.is_verified()

    def get_urls(self):
        urls = [
            path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor"),
            path(
                "two-factor/user/<int:user_id>/",
                self.admin_view(self.two_factor_view),
                name="two_factor_user",
            ),
            path(
                "two-factor/setup/<int:device_id>/",
                self.admin_view(self.two_factor_setup_view),
                name="two_factor_setup",
            ),
        ]
        site_urls = super().get_urls()
        for pattern in site_urls:
            # Django's "view on site" redirect is the one admin URL not behind
            # admin_view; put it there too, so no admin URL answers without 2FA.
            if getattr(pattern, "name", None) == "view_on_site":
                pattern.callback = self.admin_view(pattern.callback)
        return urls + site_urls

    # --- Enrolment ------------------------------------------------------------

    def _target_user(self, request, user_id):
        """Staff manage their own devices; superusers also anyone else's."""
        if user_id is None or user_id == request.user.pk:
            return request.user
        if not request.user.is_superuser:
            raise PermissionDenied
        return get_object_or_404(get_user_model(), pk=user_id, is_staff=True)

    # admin_view (in get_urls) makes these pages never_cache.
    def two_factor_view(self, request, user_id=None):
        target = self._target_user(request, user_id)
        if request.method == "POST":
            return self._two_factor_action(request, target)
        context = {
            **self.each_context(request),
            "title": _("Two-factor sign-in"),
            "target": target,
            "is_self": target == request.user,
            "authenticators": two_factor.authenticators(target),
            "backup_codes_left": two_factor.backup_codes_left(target),
        }
        if request.user.is_superuser and target == request.user:
            context["staff"] = [
                (user, two_factor.is_enrolled(user))
                for user in get_user_model()
                .objects.filter(is_staff=True, is_active=True)
                .exclude(pk=request.user.pk)
                .order_by("username")
            ]
        return TemplateResponse(request, "admin/two_factor/index.html", context)

    def _two_factor_action(self, request, target):
        action = request.POST.get("action")
        if action == "add_authenticator":
            device = two_factor.authenticator_create(user=target)
            return redirect("admin:two_factor_setup", device_id=device.pk)
        if action == "backup_codes":
            codes = two_factor.backup_codes_replace(user=target)
            context = {
                **self.each_context(request),
                "title": _("New backup codes"),
                "target": target,
                "codes": codes,
            }
            return TemplateResponse(request, "admin/two_factor/backup_codes.html", context)
        if action == "remove":
            device = get_object_or_404(TOTPDevice, pk=request.POST.get("device"), user=target)
            if (
                device.confirmed
                and two_factor.authenticators(target).filter(confirmed=True).count() == 1
                and target == request.user
            ):
                messages.error(
                    request,
                    _("Add another authenticator app before removing your only one."),
                )
            else:
                device.delete()
                messages.success(request, _("The authenticator app was removed."))
        elif action == "reset" and request.user.is_superuser and target != request.user:
            two_factor.devices_reset(user=target)
            messages.success(
                request,
                _(
                    "Every second factor of %(user)s was removed. They cannot sign in until "
                    "a new authenticator app is set up."
                )
                % {"user": target.get_username()},
            )
        if target == request.user:
            return redirect("admin:two_factor")
        return redirect("admin:two_factor_user", user_id=target.pk)

    @method_decorator(sensitive_post_parameters())
    def two_factor_setup_view(self, request, device_id):
        device = get_object_or_404(TOTPDevice, pk=device_id, confirmed=False)
        target = self._target_user(request, device.user_id)
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["otp_token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, _("The authenticator app is set up."))
                if target == request.user:
                    return redirect("admin:two_factor")
                return redirect("admin:two_factor_user", user_id=target.pk)
            form.add_error(
                "otp_token",
                _(
                    "That code did not match. Check the app shows this site, then try the "
                    "newest code."
                ),
            )
        context = {
            **self.each_context(request),
            "title": _("Set up an authenticator app"),
            "target": target,
            "device": device,
            "form": form,
            "qr_code": two_factor.qr_code_svg(device.config_url),
            "secret": two_factor.secret_for_typing(device),
        }
        return TemplateResponse(request, "admin/two_factor/setup.html", context)


def staff_page(view):
    """For staff pages outside the admin (article previews): not there for anyone else.

    ``staff_member_required`` checks only ``is_staff``, which a password alone
    gives; this asks the admin site, so a second factor is needed here too.
    Anyone else gets the plain "page not found", exactly as at an address that
    leads nowhere: a redirect to the sign-in page would name the admin's path,
    which is kept secret. Staff reach these pages from the admin.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Without a session cookie there is no one to ask about; not reading
        # the session keeps the answer byte for byte a missing page's.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            raise Http404
        if not admin.site.has_permission(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def forgive_own_failures(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: forget this person's own failures at this address.

    django-axes' own reset on success (``AXES_RESET_ON_SUCCESS``) would clear
    every failure from the address, so someone with an account of their own
    could sign in between guesses at another name and never be locked. This
    clears only the failures under the name that just signed in, from where
    it signed in: its owner's typos, which no longer count against the address.
    """
    address = client_ip(request) if request is not None else ""
    if not address:
        return  # never a reset by name alone: that would forgive every guesser
    axes_reset(ip=address, username=user.get_username())
