"""Hostile bytes and characters: never a 500, never stored as something else.

Finding 11. An outside review found 500s with a traceback on PostgreSQL,
which refuses any string holding NUL ("A string literal cannot contain NUL
(0x00) characters"): a search for ``%00``, a session cookie of escaped NULs,
an admin list filter of ``%00``. These tests send many hostile byte
sequences in every part of a request a visitor controls and accept any
answer but a server error; CI runs them on PostgreSQL, where they matter
most. Control characters where none can be valid get the 400 page
(``wellness_site.middleware.ControlCharacterMiddleware``), a corrupt cookie
is ignored, and what people legitimately type (line breaks and tabs in a
message, a tab in a search) still goes through.

Finding 12: phone numbers typed in any script's digits are stored, shown,
dialled and compared as one ASCII number. Finding 13: our own JSON log lines
(gunicorn's access log is in tests/site/test_gunicorn_config.py). Finding
15: names that show nothing, and direction overrides that make a name show
as something else. (Finding 14, image sources: tests/content/test_markdown.py.)

Values travel the way a WSGI server hands them to Django: percent-encoded in
the path, the query string and form bodies; as Latin-1 text (one character a
byte) in headers and cookies.
"""

import time
from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from django.conf import settings
from django.test import Client

from intake.antispam import issue_form_token
from intake.models import IntakeRequest
from tests.auth import ADMIN, sign_in
from tests.intake_forms import callback_post

# Percent-encoded, as they would appear in a URL or a form body.
HOSTILE = {
    "nul": "%00",
    "nul inside a word": "with%00drawal",
    "start of heading": "%01",
    "escape sequence": "%1B%5B31m",
    "delete": "%7F",
    "line feed": "%0a",
    "carriage return and line feed": "%0D%0A",
    "tab": "%09",
    "backslash": "%5C",
    "trailing backslash": "withdrawal%5C",
    "quotes": "%22%27",
    "lone surrogate": "%ED%A0%80",
    "overlong slash": "%C0%AF",
    "overlong nul": "%C0%80",
    "invalid byte": "%FF",
    "truncated sequence": "%E2%82",
    "c1 control": "%C2%85",
    "right-to-left override": "%E2%80%AE",
    "broken percent": "%G0%",
    "unclosed address bracket": "%2F%2F%5B",
    "many nuls": "%00" * 600,
    "very long": "a" * 5000,
    "very long mixed": "%FF%00%5C%0a" * 500,
}
# The same bytes as a WSGI server puts them in a header or a cookie.
HOSTILE_RAW = {name: unquote_to_bytes(value).decode("latin-1") for name, value in HOSTILE.items()}

PAGES = ["/", "/search/", "/articles/", "/call-back/", "/contact/", "/call-back/thanks/"]
CHANGE_LIST = f"{ADMIN}intake/intakerequest/"
# Every browser sends Origin with a post (intake/antispam.py).
_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
FORM_POST = {"content_type": "application/x-www-form-urlencoded", **_ORIGIN}


@pytest.fixture
def visitor(demo_data):
    # A server error is a status to count, not an exception to stop at.
    return Client(raise_request_exception=False)


@pytest.fixture
def _no_rate_limits(settings):
    # Every post must reach the form's own checks, however many are saved.
    settings.INTAKE_RATE_LIMIT_PER_IP = 10_000
    settings.INTAKE_RATE_LIMIT_PER_PHONE = 10_000


def _server_errors(responses):
    return [(where, r.status_code) for where, r in responses if r.status_code >= 500]


# --- Finding 11: the query string --------------------------------------------


def test_query_strings_never_give_a_server_error(visitor):
    responses = []
    for page in PAGES:
        for name, value in HOSTILE.items():
            for query in (f"q={value}", f"page={value}", f"r={value}", f"{value}=1", value):
                responses.append(((page, name, query[:40]), visitor.get(f"{page}?{query}")))
    assert _server_errors(responses) == []


def test_a_search_for_nul_gets_the_400_page_never_stored(visitor):
    response = visitor.get("/search/?q=%00")
    assert response.status_code == 400
    assert b"We could not understand that request" in response.content
    assert "no-store" in response["Cache-Control"]
    # The outer middleware still adds the site's security headers.
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_a_search_with_a_tab_is_still_a_search(visitor):
    # A search pasted from elsewhere may hold a tab: that is a person, not an attack.
    assert visitor.get("/search/?q=heroin%09withdrawal").status_code == 200


def test_search_itself_takes_control_characters_for_spaces(demo_data):
    # Behind the middleware too: content.search never hands PostgreSQL a NUL.
    from content.search import search_articles

    assert list(search_articles("\x00\x01\x85 ")) == []
    found = [version.pk for version in search_articles("withdrawal\x00symptoms")]
    assert found and found == [version.pk for version in search_articles("withdrawal symptoms")]


def test_admin_list_filters_and_search_never_give_a_server_error(visitor, superuser):
    sign_in(visitor, superuser)
    assert visitor.get(f"{CHANGE_LIST}?who_for__exact=myself").status_code == 200
    responses = []
    for name, value in HOSTILE.items():
        for query in (
            f"who_for__exact={value}",
            f"status={value}",
            f"q={value}",
            f"o={value}",
            f"assigned={value}",
            f"received_at__gte={value}",
            f"{value}=1",
        ):
            responses.append(((name, query[:40]), visitor.get(f"{CHANGE_LIST}?{query}")))
    assert _server_errors(responses) == []


# --- Finding 11: the path ------------------------------------------------------


def test_paths_never_give_a_server_error(visitor):
    responses = []
    for name, value in HOSTILE.items():
        for path in (
            f"/{value}",
            f"/{value}/",
            f"/articles/{value}/",
            f"/search/{value}",
            f"/topics/{value}/",
            f"/static/{value}",
            f"{ADMIN}{value}/",
            f"{CHANGE_LIST}{value}/change/",
        ):
            responses.append(((name, path[:60]), visitor.get(path)))
    assert _server_errors(responses) == []


# --- Finding 11: cookies -------------------------------------------------------


def test_cookies_never_give_a_server_error(visitor):
    responses = []
    for name, value in HOSTILE_RAW.items():
        for cookie in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "other"):
            for header in (f"{cookie}={value}", f'{cookie}="{value}"'):
                for page in ("/", "/search/?q=withdrawal", "/call-back/", f"{ADMIN}login/"):
                    response = visitor.get(page, HTTP_COOKIE=header)
                    responses.append(((name, cookie, page), response))
    assert _server_errors(responses) == []


@pytest.mark.parametrize("page", ["/", "/articles/", "/call-back/", f"{ADMIN}login/"])
def test_a_session_cookie_of_nuls_is_ignored(visitor, page):
    # The review's cookie: octal escapes, which Django's cookie parser turns into NULs.
    cookie = f'{settings.SESSION_COOKIE_NAME}="' + "\\000" * 8 + '"'
    response = visitor.get(page, HTTP_COOKIE=cookie)
    # A visitor whose browser kept a corrupt cookie can still read the site.
    assert response.status_code == 200


def test_a_signed_in_session_survives_a_corrupt_cookie_beside_it(client, superuser):
    sign_in(client, superuser)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f'{settings.SESSION_COOKIE_NAME}={key}; other="\\000\\001"'
    assert client.get(CHANGE_LIST, HTTP_COOKIE=cookie).status_code == 200


# --- Finding 11: headers -------------------------------------------------------


def test_headers_never_give_a_server_error(visitor):
    responses = []
    for name, value in HOSTILE_RAW.items():
        for header in (
            "HTTP_X_HOSTILE",
            "HTTP_USER_AGENT",
            "HTTP_REFERER",
            "HTTP_ACCEPT_LANGUAGE",
            "HTTP_X_FORWARDED_FOR",
            "HTTP_IF_NONE_MATCH",
        ):
            for page in ("/", "/search/?q=withdrawal", "/call-back/"):
                responses.append(((name, header, page), visitor.get(page, **{header: value})))
    assert _server_errors(responses) == []


@pytest.mark.parametrize("referer", ["http://[", "http://[::1", "http://a]b/", "//["])
def test_a_referer_that_is_not_an_address_gives_no_server_error(visitor, referer):
    # urlsplit raises ValueError on an unclosed "[": the form page ignores such
    # a Referer, and a post that has only it to show where it came from is refused.
    assert visitor.get("/call-back/", HTTP_REFERER=referer).status_code == 200
    response = visitor.post("/call-back/", callback_post(), HTTP_REFERER=referer)
    assert response.status_code == 400
    assert not IntakeRequest.objects.exists()


# --- Finding 11: form fields ---------------------------------------------------


def _form_body(data, field, value):
    """``data`` form-encoded, with ``field`` set to the already-encoded ``value``."""
    others = {name: v for name, v in data.items() if name != field}
    return urlencode(others) + f"&{quote(field)}={value}"


def _contact_post():
    return {
        "form_token": issue_form_token("contact", now=time.time() - 30),
        "first_name": "Sam",
        "email": "sam@example.org",
        "phone": "",
        "subject": "insurance",
        "message": "Do you take Medicaid?",
        "hp_z7q": "",
    }


FORMS = {
    "/call-back/": (callback_post, [*callback_post(), "message", "texts_ok", "source_path"]),
    "/contact/": (_contact_post, [*_contact_post(), "source_path"]),
}


@pytest.mark.usefixtures("_no_rate_limits")
@pytest.mark.parametrize("url", FORMS)
def test_form_fields_never_give_a_server_error(visitor, url):
    make_data, fields = FORMS[url]
    assert visitor.post(url, urlencode(make_data()), **FORM_POST).status_code == 303
    responses = []
    for name, value in HOSTILE.items():
        for field in fields:
            body = _form_body(make_data(), field, value)
            responses.append(((name, field), visitor.post(url, body, **FORM_POST)))
        body = urlencode(make_data()) + f"&{value}=1"
        responses.append(((name, "as a name"), visitor.post(url, body, **FORM_POST)))
        # And as the test client sends a form (multipart).
        multipart = {**make_data(), "message": HOSTILE_RAW[name]}
        response = visitor.post(url, multipart, **_ORIGIN)
        responses.append(((name, "multipart"), response))
    assert _server_errors(responses) == []


def test_a_form_with_a_nul_gets_the_400_page_and_saves_nothing(visitor):
    body = _form_body(callback_post(), "first_name", "Jor%00dan")
    assert visitor.post("/call-back/", body, **FORM_POST).status_code == 400
    assert not IntakeRequest.objects.exists()


def test_line_breaks_and_tabs_in_a_message_are_still_saved(visitor):
    message = "My brother needs help.\r\nHe works nights.\tCall after 6."
    response = visitor.post("/call-back/", urlencode(callback_post(message=message)), **FORM_POST)
    assert response.status_code == 303
    assert IntakeRequest.objects.get().message == message


@pytest.mark.parametrize("field", ["first_name", "message"])
def test_other_control_characters_in_a_field_get_a_message_beside_it(visitor, field):
    body = _form_body(callback_post(), field, "Jor%01dan")
    response = visitor.post("/call-back/", body, **FORM_POST)
    assert response.status_code == 200
    assert b"must not include" in response.content
    assert not IntakeRequest.objects.exists()


def test_admin_posts_with_a_nul_never_give_a_server_error(visitor, superuser):
    # Found while writing these tests: an admin action on articles with a NUL
    # for the selected row was a 500 on PostgreSQL.
    sign_in(visitor, superuser)
    responses = []
    for url, data in (
        (f"{ADMIN}content/article/", {"action": "delete_selected", "_selected_action": "\x00"}),
        (CHANGE_LIST, {"action": "delete_selected", "_selected_action": "\x00"}),
        (f"{ADMIN}content/topic/add/", {"name": "Detox\x00", "slug": "detox-2"}),
    ):
        responses.append((url, visitor.post(url, data)))
    assert _server_errors(responses) == []
    assert {response.status_code for _url, response in responses} == {400}


# --- Finding 12: phone numbers in any script's digits ----------------------------

SAME_NUMBER = {
    "ascii": "(614) 555-2999",
    "mixed scripts": "6\u0661\u0664 555 2999",
    "arabic-indic": "\u0666\u0661\u0664 \u0665\u0665\u0665 \u0662\u0669\u0669\u0669",
    "persian": "\u06f6\u06f1\u06f4-\u06f5\u06f5\u06f5-\u06f2\u06f9\u06f9\u06f9",
    "devanagari": "\u096c\u0967\u096a \u096b\u096b\u096b \u0968\u096f\u096f\u096f",
    "full-width": "\uff08\uff16\uff11\uff14\uff09\uff15\uff15\uff15\uff0d\uff12\uff19\uff19\uff19",
    "full-width with country code": "\uff0b\uff11 \uff16\uff11\uff14 555 2999",
}


@pytest.mark.parametrize("typed", SAME_NUMBER.values(), ids=SAME_NUMBER.keys())
def test_digits_in_any_script_normalise_to_one_ascii_number(typed):
    from wellness_site.phones import format_us_phone, normalize_us_phone

    assert normalize_us_phone(typed) == "+16145552999"
    assert format_us_phone(normalize_us_phone(typed)) == "(614) 555-2999"


@pytest.mark.parametrize(
    "typed",
    [
        "\u0660\u0661\u0664 555 2999",  # area code 014, in Arabic-Indic digits
        "\uff16\uff11\uff14 \uff15\uff15\uff15 \uff12\uff19\uff19",  # nine digits
        "\u00b2\u00b9\u2074 555 2999",  # superscripts are not decimal digits
    ],
)
def test_a_number_wrong_in_ascii_is_wrong_in_any_script(typed):
    from django.core.exceptions import ValidationError

    from wellness_site.phones import normalize_us_phone

    with pytest.raises(ValidationError):
        normalize_us_phone(typed)


def test_a_phone_stored_from_other_scripts_is_ascii_and_compared_as_such(visitor, superuser):
    first = visitor.post(
        "/call-back/", callback_post(phone=SAME_NUMBER["mixed scripts"]), **_ORIGIN
    )
    assert first.status_code == 303
    saved = IntakeRequest.objects.get()
    assert saved.phone == "+16145552999" and saved.phone.isascii()
    # The same number in full-width digits is the same person: flagged as a duplicate.
    second = visitor.post("/call-back/", callback_post(phone=SAME_NUMBER["full-width"]), **_ORIGIN)
    assert second.status_code == 303
    later = IntakeRequest.objects.exclude(pk=saved.pk).get()
    assert later.phone == saved.phone and later.duplicate_of == saved
    # Staff see and dial the ASCII number, and find it whatever digits they type.
    sign_in(visitor, superuser)
    html = visitor.get(f"{CHANGE_LIST}{saved.pk}/change/").content.decode()
    assert 'href="tel:+16145552999"' in html
    found = visitor.get(CHANGE_LIST, {"q": "\u0666\u0661\u0664 555", "status": "all"})
    assert saved.reference in found.content.decode()


def test_the_per_phone_limit_counts_a_number_in_any_script(visitor, settings):
    settings.INTAKE_RATE_LIMIT_PER_PHONE = 1
    first = visitor.post("/call-back/", callback_post(phone="614 555 2999"), **_ORIGIN)
    again = visitor.post(
        "/call-back/", callback_post(phone=SAME_NUMBER["arabic-indic"]), **_ORIGIN
    )
    assert first.status_code == again.status_code == 303
    # Past the limit a request is kept and marked as a repeat: the same number.
    flags = list(
        IntakeRequest.objects.order_by("received_at").values_list("over_phone_limit", flat=True)
    )
    assert flags == [False, True]


# --- Finding 15: names that show nothing, or show something else -----------------

CALLBACK_NAME_REQUIRED = "Enter your first name, or what we should call you"
CALLBACK_NAME_SPECIAL = "First name must not include tabs, line breaks or other special characters"
INVISIBLE_NAMES = {
    "zero-width space": "\u200b",
    "zero-width joiners": "\u200b\u200c\u200d\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "direction mark": "\u200f",
    "hangul filler": "\u3164",
    "hangul choseong filler": "\u115f\u1160",
    "halfwidth hangul filler": "\uffa0",
    "braille blank": "\u2800",
    "combining accent alone": "\u0301\u0301",
    "spaces of every width": "\u2003\u200a\u202f\u3000",
    "invisible with spaces": " \u200b \u2063 ",
}
BIDI_NAMES = {
    "right-to-left override": "\u202eJordan",
    "left-to-right override": "Jor\u202ddan",
    "embedding": "\u202bJordan\u202c",
    "isolates": "\u2067Jordan\u2069",
    "first strong isolate": "Jordan\u2068",
}
REAL_NAMES = [
    "Jos\u00e9",
    "Zo\u00eb",
    "Anne-Marie O'Brien",
    "Nguy\u1ec5n",
    "\u0645\u062d\u0645\u062f",  # Arabic
    "\u05e9\u05e8\u05d4",  # Hebrew
    "\u0645\u06cc\u200c\u0646\u0627",  # Persian, with the zero-width non-joiner it needs
    "\u674e",
    "J\u200do",  # a joiner inside a visible name is left to the person
    "\U0001f469\u200d\U0001f467",  # an emoji sequence
]


def _name_errors(form_class, data, field="first_name"):
    form = form_class(data)
    form.is_valid()
    return form.errors.get(field, [])


@pytest.mark.parametrize("name", INVISIBLE_NAMES.values(), ids=INVISIBLE_NAMES.keys())
def test_a_name_that_shows_nothing_is_asked_for_again(name):
    from intake.forms import CallbackForm, ContactForm

    assert _name_errors(CallbackForm, callback_post(first_name=name)) == [CALLBACK_NAME_REQUIRED]
    assert _name_errors(ContactForm, {**_contact_post(), "first_name": name}) == [
        "Enter your name"
    ]


@pytest.mark.parametrize("name", BIDI_NAMES.values(), ids=BIDI_NAMES.keys())
def test_direction_overrides_in_a_name_are_refused(name):
    from intake.forms import CallbackForm, ContactForm

    assert _name_errors(CallbackForm, callback_post(first_name=name)) == [CALLBACK_NAME_SPECIAL]
    assert _name_errors(ContactForm, {**_contact_post(), "first_name": name}) == [
        "Your name must not include tabs, line breaks or other special characters"
    ]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_names_in_every_script_are_still_accepted(name):
    from intake.forms import CallbackForm, ContactForm

    assert _name_errors(CallbackForm, callback_post(first_name=name)) == []
    assert _name_errors(ContactForm, {**_contact_post(), "first_name": name}) == []


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_direction_overrides_in_a_contact_message_or_email_are_refused(control):
    from intake.forms import CallbackForm, ContactForm

    message_special = "Your message must not include special characters, other than line breaks"
    contact = {**_contact_post(), "message": f"Do you take {control}Medicaid?"}
    assert _name_errors(ContactForm, contact, "message") == [message_special]
    callback = callback_post(message=f"Call {control}after six")
    assert _name_errors(CallbackForm, callback, "message") == [message_special]
    email = {**_contact_post(), "email": f"sam{control}@example.org"}
    assert set(_name_errors(ContactForm, email, "email")) == {
        "Enter an email address in the correct format, like name@example.com"
    }


def test_a_contact_message_that_shows_nothing_is_asked_for_again():
    from intake.forms import ContactForm

    data = {**_contact_post(), "message": "\u200b\u2060\n\u3164"}
    assert _name_errors(ContactForm, data, "message") == ["Enter your message"]


def test_an_invisible_name_is_shown_back_with_its_message_and_not_saved(visitor):
    response = visitor.post("/call-back/", callback_post(first_name="\u200b\u200b"), **_ORIGIN)
    assert response.status_code == 200
    assert CALLBACK_NAME_REQUIRED in response.content.decode()
    assert not IntakeRequest.objects.exists()


# --- Finding 13: our own JSON log lines ------------------------------------------


def test_our_json_log_lines_stay_one_valid_line_whatever_the_path(rf):
    # gunicorn's access log is tested in tests/site/test_gunicorn_config.py;
    # this is the Django side (wellness_site/logs.py), e.g. "Not Found: <path>".
    import json
    import logging

    from wellness_site.logs import JsonFormatter

    for raw in ("/a%0Ab/", "/articles%5C", "/%22%5C%22", "/a%00b", "/%FF", "/%E2%80%A8"):
        request = rf.get(raw)
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (request.path,), None
        )
        record.request, record.status_code = request, 404
        line = JsonFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["path"] == request.path and entry["message"] == f"Not Found: {request.path}"
