"""The ``reviews_due`` command: a scheduled job's list of medical reviews to do."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from content.models import Article, add_months


def run_reviews_due():
    out = StringIO()
    call_command("reviews_due", stdout=out)
    return out.getvalue()


def test_lists_overdue_then_due_soon_with_status_reviewer_and_date(make_article):
    today = timezone.localdate()
    overdue = make_article(
        title="Opioid withdrawal & you", last_reviewed=today - timedelta(days=400)
    )
    due_soon = make_article(
        title="Naloxone at home",
        status=Article.Status.IN_REVIEW,
        last_reviewed=add_months(today + timedelta(days=7), -12),
    )
    make_article(title="Freshly reviewed")
    output = run_reviews_due()
    lines = output.splitlines()
    assert lines == [
        "Overdue:",
        f"  {overdue.next_review_due.isoformat()}  Opioid withdrawal & you  "
        "(Published; reviewer: Dr. Orla Brightwater, MD)",
        "Due in the next 30 days:",
        f"  {due_soon.next_review_due.isoformat()}  Naloxone at home  "
        "(In review; reviewer: Dr. Orla Brightwater, MD)",
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
