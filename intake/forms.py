"""The call-back and contact forms: only the fields a person needs, strictly checked."""

import re
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from intake.antispam import HONEYPOT_AUTOCOMPLETE, HONEYPOT_FIELD
from intake.models import IntakeRequest
from wellness_site.phones import normalize_us_phone

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_CHARACTERS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def _reject_control_characters(value, *, multiline=False):
    pattern = _CONTROL_CHARACTERS if multiline else _CONTROL_CHARACTERS_ONE_LINE
    if pattern.search(value or ""):
        raise ValidationError(
            _("Remove the special characters (such as tabs or line breaks) from this field."),
            code="control_characters",
        )


def one_line(value):
    _reject_control_characters(value)


def multi_line(value):
    _reject_control_characters(value, multiline=True)


def clean_source_path(value):
    """A path on this site that a visitor came from, or ``""``.

    Only the path is kept: a query string or fragment could carry anything.
    """
    parts = urlsplit(value or "")
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or len(path) > 200:
        return ""
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    if match.url_name and match.url_name.startswith(("callback", "contact")):
        return ""
    return path


class _IntakeForm(forms.Form):
    """Shared by both forms: the anti-abuse fields and error-summary helpers."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    source_path = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400)
    # Honeypot: hidden from people (CSS, out of the tab order, aria-hidden on its
    # wrapper) and from autofill and password managers; scripts fill it in.
    hp_z7q = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": HONEYPOT_AUTOCOMPLETE,
                "tabindex": "-1",
                "data-1p-ignore": "true",
                "data-lpignore": "true",
                "data-bwignore": "true",
                "data-form-type": "other",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would cut a pasted message short
        # without a word; the server says how long it is allowed to be instead.
        self.fields["message"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *self.visible_layout(),
            Div(Field(HONEYPOT_FIELD), css_class="hp-field", aria_hidden="true"),
            "form_token",
            "source_path",
        )

    def visible_layout(self):
        raise NotImplementedError

    def clean_source_path(self):
        return clean_source_path(self.cleaned_data.get("source_path"))

    def error_summary(self):
        """``[(anchor id, message)]`` for the summary above the form, in field order."""
        items = []
        for name, field in self.fields.items():
            for error in self.errors.get(name, []):
                bound = self[name]
                anchor = bound.auto_id
                if isinstance(field.widget, forms.RadioSelect):
                    anchor += "_0"
                items.append((anchor, f"{bound.label}: {error}"))
        first = next(iter(self.visible_fields()), None)
        for error in self.non_field_errors():
            items.append((first.auto_id if first else "", error))
        return items


class CallbackForm(_IntakeForm):
    first_name = forms.CharField(
        label=_("First name, or what we should call you"),
        max_length=60,
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=25,
        help_text=_("A US number with area code, for example (614) 555-0142."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    who_for = forms.ChoiceField(
        label=_("Who is the help for?"),
        choices=IntakeRequest.WhoFor.choices,
        widget=forms.RadioSelect,
    )
    best_time = forms.ChoiceField(
        label=_("When is the best time to call?"),
        choices=IntakeRequest.BestTime.choices,
        widget=forms.RadioSelect,
    )
    voicemail_ok = forms.TypedChoiceField(
        label=_("If we miss you, may we leave a voicemail?"),
        help_text=_("A voicemail will only say our first name and that we are returning a call."),
        choices=[("yes", _("Yes, a voicemail is OK")), ("no", _("No, please do not"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether we may leave a voicemail.")},
    )
    texts_ok = forms.BooleanField(
        label=_("You may also send me text messages about my request."),
        help_text=_("Optional. You do not need to agree to texts to get help."),
        required=False,
    )
    message = forms.CharField(
        label=_("Anything you want us to know (optional)"),
        help_text=_("At most 1,000 characters. Please do not include medical details."),
        max_length=1000,
        required=False,
        validators=[multi_line],
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def visible_layout(self):
        return [
            "first_name",
            "phone",
            "who_for",
            "best_time",
            "voicemail_ok",
            "texts_ok",
            "message",
        ]

    def clean_phone(self):
        return normalize_us_phone(self.cleaned_data["phone"])


class ContactForm(_IntakeForm):
    first_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        validators=[one_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=25,
        help_text=_("Give an email address, a phone number, or both."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    subject = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose a subject")), *IntakeRequest.Subject.choices],
    )
    message = forms.CharField(
        label=_("Your message"),
        help_text=_("At most 1,000 characters."),
        max_length=1000,
        validators=[multi_line],
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def visible_layout(self):
        return ["first_name", "email", "phone", "subject", "message"]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return normalize_us_phone(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and not (self.has_error("email") or self.has_error("phone"))
        ):
            raise ValidationError(
                _("Give an email address or a phone number so that we can reply."),
                code="no_contact",
            )
        return cleaned
