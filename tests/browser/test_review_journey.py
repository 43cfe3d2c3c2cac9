"""The editor -> reviewer -> public journey the README walks through, in a real browser."""

import pytest
from django.contrib.auth.models import Group

from content.models import Article, Person
from content.roles import CONTENT_EDITORS, MEDICAL_REVIEWERS
from tests.auth import ADMIN, PASSWORD
from tests.browser_fixtures import signed_in_page

pytestmark = pytest.mark.browser

SLUG = "what-is-heroin-addiction"
FIRST_EDIT = "Fentanyl is now often sold as heroin, which makes each use riskier."
SECOND_EDIT = "Test strips can detect fentanyl in a drug before it is used."
NOTE = "Added a warning about fentanyl in the heroin supply."


def _signed_in(browser, site, user):
    return signed_in_page(browser, site, user)


@pytest.fixture
def staff(site, django_user_model):
    editor = django_user_model.objects.create_user(
        "demo-editor-b", password=PASSWORD, is_staff=True
    )
    editor.groups.add(Group.objects.get(name=CONTENT_EDITORS))
    reviewer = django_user_model.objects.create_user(
        "demo-reviewer-b", password=PASSWORD, is_staff=True
    )
    reviewer.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    Person.objects.filter(slug="odalys-brambleworth").update(user=reviewer)
    return editor, reviewer


def _append_to_body(page, text):
    body = page.locator("#id_body")
    body.fill(body.input_value() + "\n\n" + text)
    page.click("input[name=_continue]")
    page.wait_for_load_state()


def _press(page, label):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_editor_change_waits_for_review_then_goes_live_when_approved(site, browser, staff):
    editor, reviewer = staff
    article = Article.objects.get(slug=SLUG)
    change_url = f"{site}{ADMIN}content/article/{article.pk}/change/"
    public_url = f"{site}/articles/{SLUG}/"
    visitor = browser.new_context().new_page()

    # The editor changes a live article: it waits, the public page does not move.
    as_editor = _signed_in(browser, site, editor)
    as_editor.goto(change_url)
    _append_to_body(as_editor, FIRST_EDIT)
    assert "Published, with changes waiting for review" in as_editor.content()
    _press(as_editor, "Submit for review")
    assert "Published, with changes in review" in as_editor.content()
    visitor.goto(public_url)
    assert FIRST_EDIT not in visitor.content()

    # The reviewer sees the new sentence marked in the diff and asks for more.
    as_reviewer = _signed_in(browser, site, reviewer)
    as_reviewer.goto(change_url)
    as_reviewer.get_by_role("link", name="Review changes and approve").click()
    assert FIRST_EDIT in as_reviewer.locator("ins").all_inner_texts()[-1]
    as_reviewer.fill("#changes-comment", "Say how families can check for fentanyl.")
    _press(as_reviewer, "Request changes")
    assert "Your comment was sent" in as_reviewer.content()

    # The editor sees the comment, makes the change and sends it back.
    as_editor.goto(change_url)
    assert "Say how families can check for fentanyl." in as_editor.content()
    _append_to_body(as_editor, SECOND_EDIT)
    _press(as_editor, "Submit for review")

    # The reviewer approves; the page, its byline and its history change.
    as_reviewer.goto(change_url)
    as_reviewer.get_by_role("link", name="Review changes and approve").click()
    as_reviewer.fill("#approve-note", NOTE)
    if as_reviewer.locator("#approve-anyway").count():
        as_reviewer.check("#approve-anyway")
    _press(as_reviewer, "Approve and publish")
    assert "was approved and published" in as_reviewer.content()

    visitor.goto(public_url)
    html = visitor.content()
    assert FIRST_EDIT in html and SECOND_EDIT in html and NOTE in html
    visitor.get_by_role("link", name="Review history").click()
    history = visitor.locator("main").inner_text()
    assert history.index(NOTE) < history.index("First medical review.")
    assert "Odalys Brambleworth" in history
