"""The contact form's insurance question: the insurer's name, and never a member number.

The field is always shown (no JavaScript needed), right after the subject;
its hint says it is for insurance questions. A value with more than three
digits is taken for a member, group or policy number: refused, never shown
back in the page, never saved and never logged.
"""

import csv
import io
import json
import subprocess
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake.antispam import issue_form_token
from intake.forms import INSURER_MAX_DIGITS, ContactForm, no_member_number
from intake.models import IntakeRequest
from tests.auth import sign_in
from tests.browser.test_pages import WCAG_22_AA
from tests.intake.test_form_markup import _repeats, parse
from tests.site.test_html_validity import VNU_JAR
from tests.tools import require

CONTACT = "/contact/"
CALLBACK = "/call-back/"
LABEL = "Insurance company (optional)"
HINT = (
    "Only if your message is about insurance and payment. The name only, for example "
    "the name on the front of the card. Never your member ID or policy number."
)
REFUSED = "Enter the insurance company's name only, not a member or policy number"

REAL_INSURERS = [
    "Aetna",
    "Blue Cross Blue Shield of Ohio",
    "CareSource",
    "Medicaid",
    "UnitedHealthcare",
    "Molina Healthcare",
    "Humana",
    "Cigna",
    "TRICARE",
    "Medicare Part D",
    "Kaiser Permanente",
    "Anthem Blue Cross",
    "Medi-Cal",
    "AARP Medicare Supplement Plan G",
    "Plan 1",
    "Health 365",  # three digits: the most a name may hold
    "Blue Cross 65 Plus",
    "Ambetter from Buckeye Health Plan",
    "Blue Cross & Blue Shield",
]
# Member, group and policy numbers as people copy them from a card.
MEMBER_NUMBERS = [
    "W123456789",  # a member ID
    "XYZ 8641 2097",  # prefix and spaced digits
    "1EG4-TE5-MK73",  # Medicare's MBI format: five digits among letters
    "Aetna 80417",  # a name with a number after it
    "Cigna group 0042",  # a group number
    "ABC1234",  # letters and four digits
    "Humana 2 4 6 8",  # digits typed one by one
    "\uff19\uff18\uff17\uff16",  # full-width digits are digits too
    "BCBS 7f3a9e21c",  # four digits scattered in a policy code
]


def contact_data(**overrides):
    data = {
        "first_name": "Sam",
        "email": "sam@example.org",
        "phone": "",
        "subject": "insurance",
        "insurer_name": "Aetna",
        "message": "Do you take my plan?",
        "form_token": issue_form_token("contact", now=time.time() - 30),
    }
    data.update(overrides)
    return data


def _number_parts(value):
    """The words of ``value`` that carry most of a number, to look for anywhere."""
    return [word for word in value.split() if sum(c.isdigit() for c in word) >= 3]


def _insurer_input(page):
    [control] = page.find_all("input", name="insurer_name")
    return control


# -- Saved ---------------------------------------------------------------------


def test_insurer_is_saved_with_the_insurance_subject(client, center):
    response = client.post(CONTACT, contact_data(insurer_name="  Molina Healthcare "))
    assert response.status_code == 303
    saved = IntakeRequest.objects.get()
    assert (saved.subject, saved.insurer_name) == ("insurance", "Molina Healthcare")


def test_insurer_is_optional(client, center):
    response = client.post(CONTACT, contact_data(insurer_name=""))
    assert response.status_code == 303
    assert IntakeRequest.objects.get().insurer_name == ""


def test_insurer_given_with_another_subject_is_kept_not_lost(client, center):
    # Without JavaScript the field is shown for every subject; what a person
    # gave and we accepted is kept, whatever subject they chose.
    response = client.post(CONTACT, contact_data(subject="family", insurer_name="Humana"))
    assert response.status_code == 303
    saved = IntakeRequest.objects.get()
    assert (saved.subject, saved.insurer_name) == ("family", "Humana")


@pytest.mark.parametrize("name", REAL_INSURERS)
def test_real_insurer_names_are_accepted(name):
    form = ContactForm(contact_data(insurer_name=name))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["insurer_name"] == name


def test_call_back_requests_have_no_insurer(client, center):
    from tests.intake_forms import callback_post

    response = client.post(CALLBACK, callback_post(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert IntakeRequest.objects.get().insurer_name == ""
    assert 'name="insurer_name"' not in client.get(CALLBACK).content.decode()


# -- Refused, and never shown back ---------------------------------------------


def test_the_rule_is_more_than_three_digits_in_all():
    assert INSURER_MAX_DIGITS == 3
    no_member_number("Health 365")
    no_member_number("1 2 3 Health")
    for refused in ("Health 3650", "1 2 3 4", "Plan 12 Group 34"):
        with pytest.raises(ValidationError) as caught:
            no_member_number(refused)
        assert caught.value.code == "member_number"


@pytest.mark.parametrize("value", MEMBER_NUMBERS)
def test_member_number_is_refused_cleared_and_not_saved_and_the_rest_is_kept(
    client, center, caplog, value
):
    caplog.set_level("DEBUG")
    response = client.post(
        CONTACT,
        contact_data(insurer_name=value, subject="insurance", message="Is my plan in network?"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html)
    # The message next to the field, and in the summary, linking to it.
    error = page.by_id("id_insurer_name_error")
    assert error.text == f"Error: {REFUSED}"
    assert "form-group--error" in page.by_id("div_id_insurer_name").classes
    summary = page.find("div", cls="error-summary")
    assert [(a.attrs["href"], a.text) for a in summary.find_all("a")] == [
        ("#id_insurer_name", REFUSED)
    ]
    # The field is emptied, and the number appears nowhere in the page.
    assert _insurer_input(page).attrs.get("value", "") == ""
    assert value not in html
    for part in _number_parts(value):
        assert part not in html
    # Everything else is kept as typed.
    assert page.by_id("id_first_name").attrs["value"] == "Sam"
    assert page.by_id("id_email").attrs["value"] == "sam@example.org"
    assert page.by_id("id_message").text == "Is my plan in network?"
    [chosen] = [o for o in page.by_id("id_subject").find_all("option") if "selected" in o.attrs]
    assert chosen.attrs["value"] == "insurance"
    # Nothing saved, nothing logged.
    assert IntakeRequest.objects.count() == 0
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert value not in logged
    for part in _number_parts(value):
        assert part not in logged


def test_member_number_refused_is_not_echoed_even_with_other_errors(client, center):
    # Too long, and a number: the number's message
    # is the one shown, and the field is emptied all the same.
    value = "Aetna W123456789 " + "x" * 100
    html = client.post(CONTACT, contact_data(insurer_name=value, first_name="")).content.decode()
    page = parse(html)
    assert page.by_id("id_insurer_name_error").text == f"Error: {REFUSED}"
    assert "123456789" not in html
    assert _insurer_input(page).attrs.get("value", "") == ""
    assert page.by_id("id_first_name_error")  # the other error is still reported


def test_member_number_is_not_echoed_when_the_form_is_shown_back_for_another_reason(
    client, center
):
    # An expired form comes back with what was typed: not the number.
    old = issue_form_token("contact", now=time.time() - 3 * 86400)
    response = client.post(
        CONTACT,
        contact_data(insurer_name="W987654321", form_token=old),
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This form was open for a long time" in html
    assert "987654321" not in html
    assert 'value="Sam"' in html
    assert IntakeRequest.objects.count() == 0


def test_a_name_too_long_is_refused_and_kept():
    form = ContactForm(contact_data(insurer_name="Blue Cross " * 10))
    assert not form.is_valid()
    assert form.errors["insurer_name"] == ["Insurance company must be 100 characters or fewer"]
    assert form["insurer_name"].value() == "Blue Cross " * 10  # no number: shown back


def test_the_refusal_does_not_repeat_the_hint():
    form = ContactForm(contact_data(insurer_name="W123456789"))
    form.is_valid()
    [message] = form.errors["insurer_name"]
    hint = str(form.fields["insurer_name"].help_text)
    assert hint == HINT
    assert not _repeats(message, hint)


# -- Markup --------------------------------------------------------------------


def test_field_is_on_the_contact_form_after_the_subject_with_its_hint(client, center):
    page = parse(client.get(CONTACT).content.decode())
    form = page.find("form", method="post")
    order = [e.attrs.get("id") for e in form.iter() if e.attrs.get("id")]
    assert order.index("id_subject") < order.index("id_insurer_name") < order.index("id_message")
    group = page.by_id("div_id_insurer_name")
    label, hint, control = group.elements
    assert (label.tag, label.attrs["for"], label.text) == ("label", "id_insurer_name", LABEL)
    assert (hint.attrs["id"], hint.text) == ("id_insurer_name_helptext", HINT)
    assert control.attrs["aria-describedby"] == "id_insurer_name_helptext"
    assert "aria-invalid" not in control.attrs
    assert control.attrs["type"] == "text"
    # Not kept by the browser's form history, not sent to a spelling service.
    assert control.attrs["autocomplete"] == "off"
    assert control.attrs["spellcheck"] == "false"
    assert "required" not in control.attrs


def test_error_is_tied_to_the_field(client, center):
    page = parse(client.post(CONTACT, contact_data(insurer_name="W123456789")).content.decode())
    group = page.by_id("div_id_insurer_name")
    assert [e.tag for e in group.elements] == ["label", "div", "p", "input"]
    control = _insurer_input(page)
    assert control.attrs["aria-describedby"] == "id_insurer_name_helptext id_insurer_name_error"
    assert control.attrs["aria-invalid"] == "true"


def test_contact_message_hint_asks_for_no_member_numbers(client, center):
    page = parse(client.get(CONTACT).content.decode())
    assert page.by_id("id_message_helptext").text == (
        "Please do not include insurance member or policy numbers. "
        "You can enter up to 1,000 characters."
    )
    callback = parse(client.get(CALLBACK).content.decode())
    assert "member" not in callback.by_id("id_message_helptext").text


# -- Staff ---------------------------------------------------------------------


def test_admin_shows_the_insurer_with_what_they_sent_read_only(client, admissions, make_request):
    intake_request = make_request(
        kind=IntakeRequest.Kind.CONTACT,
        subject=IntakeRequest.Subject.INSURANCE,
        insurer_name="Blue Cross & <Blue> Shield",
    )
    sign_in(client, admissions)
    html = client.get(
        reverse("admin:intake_intakerequest_change", args=[intake_request.pk])
    ).content.decode()
    assert "Insurance company" in html
    assert "Blue Cross &amp; &lt;Blue&gt; Shield" in html
    assert "<Blue>" not in html
    assert 'name="insurer_name"' not in html
    sent = html.index("What they sent")
    assert sent < html.index("Insurance company") < html.index("Handling")


def test_csv_export_has_the_insurer_column(client, admissions, make_request):
    admissions.user_permissions.add(
        Permission.objects.get(content_type__app_label="intake", codename="export_intakerequest")
    )
    with_insurer = make_request(kind=IntakeRequest.Kind.CONTACT, insurer_name="=Cigna")
    without = make_request(first_name="Marisol")
    sign_in(client, admissions)
    response = client.post(
        reverse("admin:intake_intakerequest_changelist"),
        {
            "action": "export_csv",
            "index": 0,
            "_selected_action": [with_insurer.pk, without.pk],
        },
    )
    text = response.content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    headings = list(rows[0])
    assert headings.index("subject") + 1 == headings.index("insurance company")
    assert [row["insurance company"] for row in rows] == ["'=Cigna", ""]


# -- Valid HTML and accessible, in its error state -------------------------------


def test_the_refused_insurer_page_is_valid_html(client, center, tmp_path):
    java = require("java", "apt-get install -y default-jre-headless")
    path = tmp_path / "contact_insurer_refused.html"
    path.write_bytes(client.post(CONTACT, contact_data(insurer_name="W123456789")).content)
    result = subprocess.run(
        [java, "-jar", VNU_JAR, "--format", "json", "--stdout", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    assert [m["message"] for m in messages if m["type"] == "error"] == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_refused_insurer_has_no_axe_violations_and_the_summary_reaches_the_field(
    site, open_page, settings, width
):
    settings.INTAKE_MIN_FILL_SECONDS = 0
    page, errors = open_page(site + CONTACT, width)
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("What is your message about?").select_option("insurance")
    page.get_by_label(LABEL).fill("W123456789")
    page.get_by_label("Your message", exact=True).fill("Is my plan in network?")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state()
    assert page.get_by_label(LABEL).input_value() == ""
    assert page.get_by_label("Your message", exact=True).input_value() == "Is my plan in network?"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    page.locator(".error-summary a[href='#id_insurer_name']").click()
    assert page.evaluate("document.activeElement.id") == "id_insurer_name"
    assert IntakeRequest.objects.count() == 0
    # Fixed, it is sent.
    page.get_by_label(LABEL).fill("Aetna")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/thanks/?r=*")
    assert IntakeRequest.objects.get().insurer_name == "Aetna"
    assert errors == []
