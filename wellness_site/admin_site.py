"""The admin site staff use: a second factor on every login, and its enrolment pages.

With ``TWO_FACTOR_REQUIRED`` on (always, unless DEBUG), a user is let into
any admin page only once this session passed a code from an authenticator
app or a backup code. Every admin page, custom views included, is reached
through ``admin_view``, which asks ``has_permission``; a password alone
answers no.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellness_site import two_factor


class StaffLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """User name, password and a code from an authenticator app or a backup code."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        strip=True,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_(
            "Enter the 6-digit code from your authenticator app, or one of your backup codes."
        ),
        invalid_token=_(
            "That code did not work. Codes change every 30 seconds: try the newest one, "
            "or a backup code."
        ),
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
        cleaned_data = super().clean()
        if settings.TWO_FACTOR_REQUIRED or cleaned_data.get("otp_token"):
            try:
                self.clean_otp(self.get_user())
            except ValidationError:
                # A wrong code counts as a failed login for the lockout, so that
                # someone holding a stolen password cannot try codes at leisure.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": cleaned_data.get("username")},
                    request=self.request,
                )
                raise
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
    """For staff pages outside the admin (article previews): the admin's own sign-in.

    ``staff_member_required`` checks only ``is_staff``, which a password alone
    gives; this asks the admin site, so a second factor is needed here too.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not admin.site.has_permission(request):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped
