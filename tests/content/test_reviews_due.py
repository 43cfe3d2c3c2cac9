"""The ``reviews_due`` command: a scheduled job's list of medical reviews to do."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from content.models import Article, add_months
from content.services import (
    article_return_to_draft,
    article_submit_for_review,
    article_working_copy_saved,
)


def run_reviews_due():
    out = StringIO()
    call_command("reviews_due", stdout=out)
    return out.getvalue()


def test_lists_overdue_then_due_soon_with_status_reviewer_and_date(make_article, editor):
    today = timezone.localdate()
    overdue = make_article(
        title="Opioid withdrawal & you", last_reviewed=today - timedelta(days=400)
    )
    due_soon = make_article(
        title="Naloxone at home", last_reviewed=add_months(today + timedelta(days=7), -12)
    )
    # Its changes wait in review; the approved version's review is still due.
    due_soon.body += "\nA paragraph waiting for review.\n"
    due_soon.save()
    article_working_copy_saved(article=due_soon)
    article_submit_for_review(article=due_soon, user=editor)
    make_article(title="Freshly reviewed")
    output = run_reviews_due()
    lines = output.splitlines()
    assert lines == [
        "Overdue:",
        f"  {overdue.live_version.next_review_due.isoformat()}  Opioid withdrawal & you  "
        "(Published; reviewer: Dr. Orla Brightwater, MD)",
        "Due in the next 30 days:",
        f"  {due_soon.live_version.next_review_due.isoformat()}  Naloxone at home  "
        "(Published, with changes in review; reviewer: Dr. Orla Brightwater, MD)",
    ]
    assert "Freshly reviewed" not in output


def test_says_so_when_no_reviews_are_due(make_article):
    make_article(title="Freshly reviewed")
    assert run_reviews_due() == "No reviews due.\n"


def test_leaves_out_archived_articles(make_article):
    make_article(
        title="Retired piece",
        status=Article.Status.ARCHIVED,
        last_reviewed=timezone.localdate() - timedelta(days=400),
    )
    assert "Retired piece" not in run_reviews_due()


def test_exits_with_status_zero_when_reviews_are_due(make_article):
    # call_command raises on a non-zero exit (CommandError or SystemExit).
    make_article(last_reviewed=timezone.localdate() - timedelta(days=400))
    assert call_command("reviews_due", stdout=StringIO()) is None


def test_leaves_out_articles_visitors_cannot_see(make_article, reviewer):
    make_article(title="Never approved", status=Article.ReviewStatus.IN_REVIEW)
    make_article(title="A draft", status=Article.Status.DRAFT)
    overdue = make_article(
        title="Taken down", last_reviewed=timezone.localdate() - timedelta(days=400)
    )
    article_return_to_draft(article=overdue, user=reviewer)  # unpublished
    assert run_reviews_due() == "No reviews due.\n"
