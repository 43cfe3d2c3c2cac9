"""The forms' markup follows the GOV.UK Design System: error summary, error
messages, radios, text inputs; messages that say what to do; controls that
can be seen (WCAG 1.4.11) and hit."""

import re
import time
from html.parser import HTMLParser

import pytest

from intake.antispam import issue_form_token
from intake.forms import CallbackForm, ContactForm
from wellness_site.management.commands import build_css

CALLBACK = "/call-back/"
CONTACT = "/contact/"
US_PHONE = "Enter a US phone number with its area code, like 614 555 0142"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
TOO_LONG = "Your message must be 1,000 characters or fewer"
NAME_SPECIAL = "First name must not include tabs, line breaks or other special characters"
FIRST_NAME = "Enter your first name, or what we should call you"
NAME_TOO_LONG = "First name must be 60 characters or fewer"
YOUR_NAME_TOO_LONG = "Your name must be 60 characters or fewer"
VOICEMAIL = "Select whether we may leave a voicemail"
NO_CONTACT = "Enter an email address or a phone number so that we can reply"
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children = []  # Elements and strings, in document order

    @property
    def elements(self):
        return [child for child in self.children if isinstance(child, Element)]

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def text(self):
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self):
        for child in self.elements:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> {cls or ''} {attrs}"
        return found[0]

    def by_id(self, id_):
        return self.find(id=id_)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: ("" if v is None else v) for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    return _TreeBuilder(html).root


def _token(kind):
    return issue_form_token(kind, now=time.time() - 30)


def post(client, url, data):
    kind = "callback" if url == CALLBACK else "contact"
    response = client.post(url, {"form_token": _token(kind), **data})
    assert response.status_code == 200, response.status_code
    return parse(response.content.decode())


CALLBACK_OK = {
    "first_name": "Jordan",
    "phone": "(614) 555-0199",
    "who_for": "loved_one",
    "best_time": "evening",
    "voicemail_ok": "no",
    "message": "",
}
CONTACT_OK = {
    "first_name": "Sam",
    "email": "sam@example.org",
    "phone": "",
    "subject": "insurance",
    "message": "Do you take Medicaid?",
}


def _summary_links(page):
    summary = page.find("div", cls="error-summary")
    return [(a.attrs["href"], a.text) for a in summary.find_all("a")]


# -- The error summary ------------------------------------------------------


def test_callback_error_summary_comes_first_in_main_and_lists_each_error_in_field_order(
    client, center
):
    page = post(client, CALLBACK, {})
    main = page.find("main")
    first = main.elements[0]
    assert "error-summary" in first.classes
    assert first.attrs["tabindex"] == "-1"
    assert first.find("h2").text == "There is a problem"
    # Before the heading, the emergency box and the introduction.
    assert main.elements[1].find("h1")
    assert page.find("title").text.startswith("Error:")
    assert _summary_links(page) == [
        ("#id_first_name", "Enter your first name, or what we should call you"),
        ("#id_phone", "Enter a phone number, like 614 555 0142"),
        ("#id_who_for_0", "Select who the help is for"),
        ("#id_best_time_0", "Select the best time to call"),
        ("#id_voicemail_ok_0", "Select whether we may leave a voicemail"),
    ]


def test_contact_error_summary_comes_first_in_main_and_lists_each_error_in_field_order(
    client, center
):
    page = post(client, CONTACT, {})
    main = page.find("main")
    assert "error-summary" in main.elements[0].classes
    assert main.elements[0].find("h2").text == "There is a problem"
    assert _summary_links(page) == [
        ("#id_first_name", "Enter your name"),
        ("#id_email", "Enter an email address or a phone number so that we can reply"),
        ("#id_subject", "Select what your message is about"),
        ("#id_message", "Enter your message"),
    ]


def test_no_error_summary_on_the_blank_form(client, center):
    for url in (CALLBACK, CONTACT):
        page = parse(client.get(url).content.decode())
        assert page.find_all(cls="error-summary") == []
        assert page.find_all(cls="error-message") == []
        assert page.find("form", method="post").attrs.get("novalidate") == ""


# -- Each field's message says what to do ------------------------------------


@pytest.mark.parametrize(
    ("url", "changes", "field", "message"),
    [
        (CALLBACK, {"first_name": ""}, "first_name", FIRST_NAME),
        (CALLBACK, {"first_name": "J" * 61}, "first_name", NAME_TOO_LONG),
        (CALLBACK, {"first_name": "Jor\tdan"}, "first_name", NAME_SPECIAL),
        (CALLBACK, {"phone": ""}, "phone", "Enter a phone number, like 614 555 0142"),
        (CALLBACK, {"phone": "555-0199"}, "phone", US_PHONE),
        (CALLBACK, {"phone": "6" * 26}, "phone", US_PHONE),
        (CALLBACK, {"who_for": ""}, "who_for", "Select who the help is for"),
        (CALLBACK, {"who_for": "everyone"}, "who_for", "Select who the help is for"),
        (CALLBACK, {"best_time": ""}, "best_time", "Select the best time to call"),
        (CALLBACK, {"voicemail_ok": ""}, "voicemail_ok", VOICEMAIL),
        (CALLBACK, {"message": "x" * 1001}, "message", TOO_LONG),
        (CONTACT, {"first_name": ""}, "first_name", "Enter your name"),
        (CONTACT, {"first_name": "S" * 61}, "first_name", YOUR_NAME_TOO_LONG),
        (CONTACT, {"email": "sam.example.org"}, "email", EMAIL_FORMAT),
        (CONTACT, {"email": "sam@example.org\nBcc: x@example.org"}, "email", EMAIL_FORMAT),
        (CONTACT, {"email": ""}, "email", NO_CONTACT),
        (CONTACT, {"email": "", "phone": "12"}, "phone", US_PHONE),
        (CONTACT, {"subject": ""}, "subject", "Select what your message is about"),
        (CONTACT, {"subject": "gossip"}, "subject", "Select what your message is about"),
        (CONTACT, {"message": ""}, "message", "Enter your message"),
        (CONTACT, {"message": "x" * 1001}, "message", TOO_LONG),
    ],
)  # fmt: skip
def test_each_error_says_what_to_do_next_to_its_field_and_in_the_summary(
    client, center, url, changes, field, message
):
    data = {**(CALLBACK_OK if url == CALLBACK else CONTACT_OK), **changes}
    page = post(client, url, data)
    error = page.by_id(f"id_{field}_error")
    assert error.text == f"Error: {message}"
    assert error.find("span", cls="visually-hidden").text == "Error:"
    assert [text for _href, text in _summary_links(page)] == [message]


def _all_errors(form_class, base):
    """Every (field, message, hint) the form can show, from a spread of bad posts."""
    bad = [
        {},
        {**base, **{name: "x" * 1001 for name in base}},
        {**base, **{name: "a\x07b" for name in base}},
        {**base, "phone": "12", "email": "nope"},
        {**base, "email": "", "phone": ""},
    ]
    seen = []
    for data in bad:
        form = form_class(data)
        form.is_valid()
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            hint = str(field.help_text) if field else ""
            seen += [(name, str(error), hint) for error in errors]
    return seen


def _words(text):
    return re.findall(r"[\w,.()'-]+", text.lower())


def _repeats(message, hint, run=4):
    """Whether ``message`` repeats ``run`` or more words of ``hint`` in a row."""
    words, hint_words = _words(message), " ".join(_words(hint))
    return any(" ".join(words[i : i + run]) in hint_words for i in range(len(words) - run + 1))


@pytest.mark.parametrize(
    ("form_class", "base"), [(CallbackForm, CALLBACK_OK), (ContactForm, CONTACT_OK)]
)
def test_no_error_message_repeats_its_hint(form_class, base):
    seen = _all_errors(form_class, base)
    assert {name for name, _m, hint in seen if hint} >= {"phone", "message"}
    for name, message, hint in seen:
        assert not _repeats(message, hint), (name, message, hint)
        assert message.rstrip(".") != hint.rstrip("."), name


# -- Label, hint, error, control ---------------------------------------------


def _element_children(group):
    return [(e.tag, e.attrs.get("id"), tuple(e.classes)) for e in group.elements]


def test_error_message_sits_between_label_hint_and_input_and_is_tied_to_it(client, center):
    page = post(client, CALLBACK, {**CALLBACK_OK, "phone": "12", "first_name": ""})
    phone = page.by_id("div_id_phone")
    assert "form-group--error" in phone.classes
    assert [tag for tag, _id, _c in _element_children(phone)] == ["label", "div", "p", "input"]
    label, hint, error, control = phone.elements
    assert label.attrs["for"] == "id_phone" and label.text == "Phone number"
    assert hint.attrs["id"] == "id_phone_helptext"
    assert error.attrs["id"] == "id_phone_error"
    assert control.attrs["aria-describedby"] == "id_phone_helptext id_phone_error"
    assert control.attrs["aria-invalid"] == "true"
    # No hint: the error alone.
    name = page.by_id("div_id_first_name")
    assert [tag for tag, _id, _c in _element_children(name)] == ["label", "p", "input"]
    assert page.by_id("id_first_name").attrs["aria-describedby"] == "id_first_name_error"
    assert page.by_id("id_first_name").attrs["aria-invalid"] == "true"
    # A field without an error: hint only, not invalid.
    message = page.by_id("id_message")
    assert message.attrs["aria-describedby"] == "id_message_helptext"
    assert "aria-invalid" not in message.attrs
    assert "form-group--error" not in page.by_id("div_id_message").classes


def test_contact_textarea_and_select_follow_the_same_order(client, center):
    page = post(client, CONTACT, {**CONTACT_OK, "message": "x" * 1001, "subject": ""})
    group = page.by_id("div_id_message")
    assert [tag for tag, _id, _c in _element_children(group)] == ["label", "div", "p", "textarea"]
    textarea = page.by_id("id_message")
    assert textarea.attrs["aria-describedby"] == "id_message_helptext id_message_error"
    assert textarea.attrs["aria-invalid"] == "true"
    assert textarea.text == "x" * 1001  # what was typed is kept
    select = page.by_id("id_subject")
    assert select.tag == "select"
    assert select.attrs["aria-describedby"] == "id_subject_error"
    assert [tag for tag, _id, _c in _element_children(page.by_id("div_id_subject"))] == [
        "label",
        "p",
        "select",
    ]


@pytest.mark.parametrize(
    ("field", "legend", "hint"),
    [
        ("who_for", "Who is the help for?", False),
        ("best_time", "When is the best time to call?", False),
        ("voicemail_ok", "If we miss you, may we leave a voicemail?", True),
    ],
)
def test_radio_groups_are_fieldsets_with_legend_hint_and_error_inside(
    client, center, field, legend, hint
):
    page = post(client, CALLBACK, {**CALLBACK_OK, field: ""})
    group = page.by_id(f"div_id_{field}")
    assert "form-group--error" in group.classes
    [fieldset] = [e for e in group.elements if e.tag == "fieldset"]
    described = ([f"id_{field}_helptext"] if hint else []) + [f"id_{field}_error"]
    assert fieldset.attrs["aria-describedby"] == " ".join(described)
    tags = [e.tag for e in fieldset.elements]
    assert tags == ["legend"] + ["div"] * hint + ["p", "div"]
    assert fieldset.elements[0].text == legend
    assert "form-legend" in fieldset.elements[0].classes
    radios = fieldset.find_all("input", type="radio")
    assert len(radios) >= 2 and {r.attrs["name"] for r in radios} == {field}
    for radio in radios:
        assert page.find("label", for_=radio.attrs["id"])
    # Bootstrap's small blue radios are gone.
    assert "form-check-input" not in radios[0].classes


def test_a_chosen_radio_and_a_ticked_box_are_kept_after_an_error(client, center):
    page = post(client, CALLBACK, {**CALLBACK_OK, "phone": "", "texts_ok": "on"})
    assert "checked" in page.by_id("id_voicemail_ok_1").attrs  # "no"
    assert "checked" not in page.by_id("id_voicemail_ok_0").attrs
    assert "checked" in page.by_id("id_who_for_1").attrs  # "loved_one"
    assert "checked" in page.by_id("id_texts_ok").attrs


QUESTIONS = {
    CallbackForm: [
        "first_name",
        "phone",
        "who_for",
        "best_time",
        "voicemail_ok",
        "texts_ok",
        "message",
    ],
    ContactForm: ["first_name", "email", "phone", "subject", "message"],
}


def _question_text(page, name):
    """A question's label, or the legend of the fieldset it is in."""
    labels = page.find_all("label", for_=f"id_{name}")
    group = page.by_id(f"div_id_{name}")
    legends = group.find_all("legend")
    return legends[0].text if legends else labels[0].text


@pytest.mark.parametrize(
    ("url", "form_class", "expected_optional"),
    [(CALLBACK, CallbackForm, ["texts_ok", "message"]), (CONTACT, ContactForm, [])],
)
def test_optional_questions_say_so_and_nothing_carries_an_asterisk(
    client, center, url, form_class, expected_optional
):
    html = client.get(url).content.decode()
    page = parse(html)
    # In the contact form, email and phone are one question: "an email, a phone or both".
    either = {"email", "phone"} if form_class is ContactForm else set()
    optional = []
    for name in QUESTIONS[form_class]:
        text = _question_text(page, name)
        if name in either:
            continue
        if form_class.base_fields[name].required:
            assert "(optional)" not in text, name
        else:
            assert text.endswith("(optional)"), (name, text)
            optional.append(name)
    assert optional == expected_optional
    for element in page.find("form").find_all():
        if element.tag in ("label", "legend"):
            assert "*" not in element.text, element.text
    assert "asteriskField" not in html and "requiredField" not in html


def test_the_reply_question_groups_email_and_phone_under_one_legend(client, center):
    page = parse(client.get(CONTACT).content.decode())
    fieldset = page.by_id("reply")
    assert fieldset.tag == "fieldset"
    assert fieldset.find("legend").text == "How should we reply?"
    assert fieldset.attrs["aria-describedby"] == "reply_hint"
    assert page.by_id("reply_hint").text == "Give an email address, a phone number, or both."
    assert fieldset.by_id("id_email") and fieldset.by_id("id_phone")


def test_the_honeypot_is_named_hidden_and_skipped(client, center):
    page = parse(client.get(CALLBACK).content.decode())
    [trap] = page.find_all("input", name="hp_z7q")
    assert trap.attrs["autocomplete"] == "off"
    assert trap.attrs["tabindex"] == "-1"
    wrapper = next(a for a in trap.ancestors() if "hp-field" in a.classes)
    assert wrapper.attrs["aria-hidden"] == "true"
    assert _declarations(build_css.OUTPUT.read_text(), ".hp-field")["display"] == "none"


# -- The stylesheet ------------------------------------------------------------


def _rules(css):
    """(selectors, declarations) for each plain rule, media queries left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for prelude, body in build_css._blocks(css):
        if body is None or prelude.startswith("@"):
            continue
        selectors = [s.strip() for s in build_css._split_top_level(prelude, ",")]
        declarations = {}
        for declaration in build_css._split_top_level(body, ";"):
            name, _sep, value = declaration.partition(":")
            if value:
                declarations[name.strip()] = value.replace("!important", "").strip()
        yield selectors, declarations


def _declarations(css, selector):
    """What applies to exactly ``selector``, rule after rule, as the cascade would."""
    merged = {}
    for selectors, declarations in _rules(css):
        if selector in selectors:
            merged.update(declarations)
    return merged


def _resolve(css, value):
    root = _declarations(css, ":root")
    while match := re.search(r"var\((--[\w-]+)\)", value):
        value = value.replace(match.group(0), root[match.group(1)])
    return value


def _border_colour(css, selector):
    declarations = _declarations(css, selector)
    value = declarations.get("border-color") or declarations["border"]
    return re.search(r"#[0-9a-fA-F]{3,6}\b", _resolve(css, value)).group(0)


def _luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _px(value):
    number = float(re.match(r"[\d.]+", value).group(0))
    return number * 16 if value.endswith("rem") else number


def test_contrast_is_computed_the_wcag_way():
    assert round(contrast("#fff", "#000"), 1) == 21.0
    assert round(contrast("#dee2e6", "#fff"), 2) < 1.4  # Bootstrap's input border


@pytest.mark.parametrize(
    "selector",
    [
        ".form-control",
        ".form-select",
        ".form-choice__label::before",
        ".form-group--error .form-control",
    ],
)
def test_form_controls_have_borders_of_at_least_3_to_1_against_white(selector):
    css = build_css.OUTPUT.read_text(encoding="utf-8")
    colour = _border_colour(css, selector)
    assert contrast(colour, "#ffffff") >= 3, (selector, colour)
    border = _declarations(css, selector).get("border", "2px")
    assert _px(border.split()[0]) >= 2, (selector, border)


def test_focused_controls_get_a_yellow_ring_with_a_dark_edge():
    css = build_css.OUTPUT.read_text(encoding="utf-8")
    focus = _declarations(css, ".form-control:focus")
    assert focus["outline"] == "3px solid #fd0"
    assert "#0b0c0c" in focus["box-shadow"] and focus["border-color"] == "#0b0c0c"
    choice = _declarations(css, ".form-choice__input:focus + .form-choice__label::before")
    assert "#fd0" in choice["box-shadow"] and _px(choice["border-width"]) >= 4


def test_radios_and_checkboxes_are_large_and_in_the_site_colours():
    css = build_css.OUTPUT.read_text(encoding="utf-8")
    box = _declarations(css, ".form-choice__label::before")
    assert _px(box["width"]) >= 32 and _px(box["height"]) >= 32
    target = _declarations(css, ".form-choice__input")
    assert _px(target["width"]) >= 40 and _px(target["height"]) >= 40
    assert _px(_declarations(css, ".form-choice")["min-height"]) >= 40
    dot = _declarations(css, '.form-choice__input[type="radio"] + .form-choice__label::after')
    assert _resolve(css, dot["border"]).endswith("#083f49")  # --brand-dark, not #0d6efd


def test_labels_and_legends_are_bold_and_errors_have_a_thick_red_bar():
    css = build_css.OUTPUT.read_text(encoding="utf-8")
    assert _declarations(css, ".form-legend")["font-weight"] == "700"
    assert _declarations(css, ".form-label")["font-weight"] == "700"
    bar = _declarations(css, ".form-group--error")["border-left"]
    assert _px(bar.split()[0]) >= 4 and bar.endswith("#b42318")
    assert contrast("#b42318", "#fff") >= 4.5  # the error text too
