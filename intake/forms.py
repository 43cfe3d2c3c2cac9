"""The call-back and contact forms: only the fields a person needs, strictly checked.

They are shown the GOV.UK Design System way, by the crispy layout templates
in templates/intake/fields/: label (or legend), hint, error message, then
the control; radio groups in a fieldset; "(optional)" on what is optional
and no asterisk on what is not. Every error message says what to do, for
that field and that case, and none repeats its field's hint.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import TEMPLATE_PACK, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from intake.antispam import HONEYPOT_AUTOCOMPLETE, HONEYPOT_FIELD
from intake.models import IntakeRequest
from wellness_site.phones import normalize_us_phone

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) reorder the text after them: a name holding one shows in the
# admin as something other than what it is. Nobody types one in a name or a
# message (the marks keyboards do type, U+200E/U+200F, are left alone).
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls and DEL; a message may hold tabs and line breaks.
_CONTROL_CHARACTERS = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
_CONTROL_CHARACTERS_ONE_LINE = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
# What shows nothing on a screen: controls, format characters (zero-width
# spaces and joiners, direction marks), every kind of space, and combining
# marks with nothing to sit on...
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}
# ...and the letters and symbols that are drawn blank.
_BLANK_CHARACTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}

# The crispy layout templates (templates/intake/fields/).
TEXT_INPUT = "intake/fields/input.html"
RADIOS = "intake/fields/radios.html"
CHECKBOX = "intake/fields/checkbox.html"
FIELDSET = "intake/fields/fieldset.html"

MESSAGE_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 60
INSURER_MAX_LENGTH = 100
# Insurer names hardly ever hold a digit, and never four ("Health 365" is
# three); member, group and policy numbers hold several, even in Medicare's
# letters-and-digits format (at least five of its eleven characters).
INSURER_MAX_DIGITS = 3


def _reject_control_characters(value, *, multiline=False):
    pattern = _CONTROL_CHARACTERS if multiline else _CONTROL_CHARACTERS_ONE_LINE
    if pattern.search(value or ""):
        # Each field says this in its own words (its "control_characters" message).
        raise ValidationError(
            _("Remove the special characters (such as tabs or line breaks)."),
            code="control_characters",
        )


def one_line(value):
    _reject_control_characters(value)


def multi_line(value):
    _reject_control_characters(value, multiline=True)


def _has_visible_character(value):
    return any(
        unicodedata.category(character) not in _INVISIBLE_CATEGORIES
        and character not in _BLANK_CHARACTERS
        for character in value or ""
    )


def visible_text(value):
    """Refuse text that shows nothing: zero-width spaces, fillers, marks alone.

    Such a value is as good as empty, so it gets the field's "required"
    message, which says what to enter.
    """
    if not _has_visible_character(value):
        raise ValidationError(_("Enter some text."), code="required")


def person_name(value):
    """One line, no special characters, and something visible: one message at a time."""
    one_line(value)
    visible_text(value)


def no_member_number(value):
    """Refuse an insurer "name" with more than ``INSURER_MAX_DIGITS`` digits: an ID, not a name.

    Digits are counted anywhere, in any script and however they are spaced
    or split up, so "W 1234 5678" and "Aetna 12-34" are refused alike.
    """
    if sum(character.isdigit() for character in value or "") > INSURER_MAX_DIGITS:
        raise ValidationError(
            _("Enter the insurance company's name only, not a member or policy number"),
            code="member_number",
        )


def clean_source_path(value):
    """A path on this site that a visitor came from, or ``""``.

    Only the path is kept: a query string or fragment could carry anything.
    """
    try:
        parts = urlsplit(value or "")
    except ValueError:  # "//[": not an address at all
        return ""
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


def _messages(required=None, too_long=None, special=None, **others):
    """A field's error messages, by Django's codes (validators' codes included).

    ``special`` covers both control characters and null characters: to a
    person they are the same mistake.
    """
    messages = {"required": required, "max_length": too_long, **others}
    if special:
        messages["control_characters"] = special
        messages["null_characters_not_allowed"] = special
    return {code: message for code, message in messages.items() if message}


def _choice_messages(select):
    """A radio group's or a select's messages: nothing chosen and a made-up choice alike."""
    return {"required": select, "invalid_choice": select}


class CheckboxQuestion(Field):
    """A lone checkbox in a fieldset, under a ``legend`` of its own (its label is the option)."""

    def __init__(self, name, *, legend):
        super().__init__(name, template=CHECKBOX)
        self.legend = legend

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra_context = {**(extra_context or {}), "question_legend": self.legend}
        return super().render(form, context, template_pack, extra_context=extra_context, **kwargs)


class QuestionGroup(Fieldset):
    """Several fields under one legend and hint, for example "email, phone or both"."""

    template = FIELDSET

    def __init__(self, legend, *fields, css_id, hint):
        super().__init__(legend, *fields, css_id=css_id)
        self.hint = hint


class _IntakeForm(forms.Form):
    """Shared by both forms: the anti-abuse fields and the error summary."""

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

    #: The questions a person answers, in the order they are shown.
    questions = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would cut a pasted message short
        # without a word; the server says how long it is allowed to be instead.
        self.fields["message"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # No CSRF token: these anonymous forms set no cookie (intake/views.py
        # checks where a post came from, and the signed form token, instead).
        self.helper.disable_csrf = True
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
        """``[(anchor id, message)]`` for the error summary, one per question in error.

        In the order the questions are shown; the link text is the message
        itself, as shown by the field (its first error: one per field). A
        radio group's link goes to its first radio.
        """
        items = []
        for name in self.questions:
            errors = self.errors.get(name)
            if not errors:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect):
                anchor += "_0"
            items.append((anchor, errors[0]))
        # Errors a person cannot see next to a question: to the first question.
        first = self[self.questions[0]].auto_id
        for name, errors in self.errors.items():
            if name not in self.questions:
                items.extend((first, error) for error in errors)
        return items


_PHONE_REQUIRED = _("Enter a phone number, like 614 555 0142")
_PHONE_INVALID = _("Enter a US phone number with its area code, like 614 555 0142")
_MESSAGE_TOO_LONG = _("Your message must be 1,000 characters or fewer")
_MESSAGE_SPECIAL = _("Your message must not include special characters, other than line breaks")


def _clean_us_phone(form, value):
    """``value`` as E.164, or the phone field's own "invalid" message."""
    try:
        return normalize_us_phone(value)
    except ValidationError:
        raise ValidationError(
            form.fields["phone"].error_messages["invalid_phone"], code="invalid_phone"
        ) from None


class CallbackForm(_IntakeForm):
    first_name = forms.CharField(
        label=_("First name, or what we should call you"),
        max_length=NAME_MAX_LENGTH,
        validators=[person_name],
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages=_messages(
            required=_("Enter your first name, or what we should call you"),
            too_long=_("First name must be 60 characters or fewer"),
            special=_("First name must not include tabs, line breaks or other special characters"),
        ),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=25,
        help_text=_("Include the area code. We only use this number to call you back."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages=_messages(
            required=_PHONE_REQUIRED, too_long=_PHONE_INVALID, invalid_phone=_PHONE_INVALID
        ),
    )
    who_for = forms.ChoiceField(
        label=_("Who is the help for?"),
        choices=IntakeRequest.WhoFor.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_messages(_("Select who the help is for")),
    )
    best_time = forms.ChoiceField(
        label=_("When is the best time to call?"),
        choices=IntakeRequest.BestTime.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_messages(_("Select the best time to call")),
    )
    voicemail_ok = forms.TypedChoiceField(
        label=_("If we miss you, may we leave a voicemail?"),
        help_text=_("A voicemail will only say our first name and that we are returning a call."),
        choices=[("yes", _("Yes, a voicemail is OK")), ("no", _("No, please do not"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages=_choice_messages(_("Select whether we may leave a voicemail")),
    )
    texts_ok = forms.BooleanField(
        label=_("You may also send me text messages about my request"),
        help_text=_("You do not need to agree to texts to get help."),
        required=False,
    )
    message = forms.CharField(
        label=_("Anything you want us to know (optional)"),
        help_text=_(
            "Please do not include medical details. You can enter up to 1,000 characters."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        validators=[multi_line],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_messages(too_long=_MESSAGE_TOO_LONG, special=_MESSAGE_SPECIAL),
    )

    questions = (
        "first_name",
        "phone",
        "who_for",
        "best_time",
        "voicemail_ok",
        "texts_ok",
        "message",
    )

    def visible_layout(self):
        return [
            Field("first_name", template=TEXT_INPUT),
            Field("phone", template=TEXT_INPUT),
            Field("who_for", template=RADIOS),
            Field("best_time", template=RADIOS),
            Field("voicemail_ok", template=RADIOS),
            CheckboxQuestion("texts_ok", legend=_("Text messages (optional)")),
            Field("message", template=TEXT_INPUT),
        ]

    def clean_phone(self):
        return _clean_us_phone(self, self.cleaned_data["phone"])


class ContactForm(_IntakeForm):
    first_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        validators=[person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages=_messages(
            required=_("Enter your name"),
            too_long=_("Your name must be 60 characters or fewer"),
            special=_("Your name must not include tabs, line breaks or other special characters"),
        ),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        validators=[one_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=_messages(
            too_long=_("Email address must be 320 characters or fewer"),
            special=_("Enter an email address in the correct format, like name@example.com"),
            invalid=_("Enter an email address in the correct format, like name@example.com"),
            no_contact=_("Enter an email address or a phone number so that we can reply"),
        ),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=25,
        help_text=_("Include the area code."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages=_messages(too_long=_PHONE_INVALID, invalid_phone=_PHONE_INVALID),
    )
    subject = forms.ChoiceField(
        label=_("What is your message about?"),
        choices=[("", _("Choose a subject")), *IntakeRequest.Subject.choices],
        error_messages=_choice_messages(_("Select what your message is about")),
    )
    insurer_name = forms.CharField(
        label=_("Insurance company (optional)"),
        help_text=_(
            "Only if your message is about insurance and payment. The name only, for example "
            "the name on the front of the card. Never your member ID or policy number."
        ),
        max_length=INSURER_MAX_LENGTH,
        required=False,
        # First, so that its message is the one shown when there are several.
        validators=[no_member_number, one_line],
        # Not remembered by the browser, nor sent to a spelling service.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages=_messages(
            too_long=_("Insurance company must be 100 characters or fewer"),
            special=_(
                "Insurance company must not include tabs, line breaks or other special characters"
            ),
            member_number=_(
                "Enter the insurance company's name only, not a member or policy number"
            ),
        ),
    )
    message = forms.CharField(
        label=_("Your message"),
        help_text=_(
            "Please do not include insurance member or policy numbers. "
            "You can enter up to 1,000 characters."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        validators=[multi_line, visible_text],
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_messages(
            required=_("Enter your message"),
            too_long=_MESSAGE_TOO_LONG,
            special=_MESSAGE_SPECIAL,
        ),
    )

    questions = ("first_name", "email", "phone", "subject", "insurer_name", "message")

    def visible_layout(self):
        return [
            Field("first_name", template=TEXT_INPUT),
            QuestionGroup(
                _("How should we reply?"),
                Field("email", template=TEXT_INPUT),
                Field("phone", template=TEXT_INPUT),
                css_id="reply",
                hint=_("Give an email address, a phone number, or both."),
            ),
            Field("subject", template=TEXT_INPUT),
            # Always shown, right after the subject: without JavaScript it cannot
            # appear only once "Insurance and payment" is chosen, so its hint
            # says it is for that subject. Given with another subject, it is
            # kept all the same: nothing a person typed and we accepted is lost.
            Field("insurer_name", template=TEXT_INPUT),
            Field("message", template=TEXT_INPUT),
        ]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return _clean_us_phone(self, phone) if phone else ""

    def full_clean(self):
        super().full_clean()
        if self.has_error("insurer_name", code="member_number"):
            # A member number is never kept, not even in the page shown back:
            # this field alone is emptied, the rest stays as typed.
            self.data = self.data.copy()
            self.data[self.add_prefix("insurer_name")] = ""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and not (self.has_error("email") or self.has_error("phone"))
        ):
            # Shown at the first of the two, where the person starts to fix it.
            self.add_error(
                "email",
                ValidationError(
                    self.fields["email"].error_messages["no_contact"], code="no_contact"
                ),
            )
        return cleaned
