"""Key points are reviewed content: frozen at approval, shown above the text, diffed for review.

And the "When to get help now" box beside them: its crisis numbers are tap-to-call links.
"""

import re

from django.urls import reverse

from content.models import Article, content_hash, split_key_points
from content.services import article_approve, article_working_copy_saved
from tests.auth import sign_in
from tests.content.admin_forms import change_form_data, fingerprint

POINTS = "Withdrawal is hard, but rarely deadly.\nHelp makes it safer.\nCall if you are worried."


def admin_url(name, *args):
    return reverse(f"admin:content_article_{name}", args=args)


def _key_points_box(html):
    """The items of the page's "Key points" box, or None when there is no box."""
    match = re.search(
        r'<section class="key-points" aria-labelledby="key-points-heading">\s*'
        r'<h2 id="key-points-heading" class="h5">Key points</h2>\s*<ul>(.*?)</ul>\s*</section>',
        html,
        re.S,
    )
    return None if match is None else re.findall(r"<li>(.*?)</li>", match.group(1), re.S)


def test_the_approved_key_points_are_a_box_before_the_text(client, make_article):
    article = make_article(key_points=POINTS)
    html = client.get(article.get_absolute_url()).content.decode()
    assert _key_points_box(html) == [
        "Withdrawal is hard, but rarely deadly.",
        "Help makes it safer.",
        "Call if you are worried.",
    ]
    assert html.index('class="key-points"') < html.index('<div class="prose">')
    assert html.index('class="trust"') < html.index('class="key-points"')


def test_an_article_without_key_points_has_no_box(client, make_article):
    article = make_article(key_points="")
    html = client.get(article.get_absolute_url()).content.decode()
    assert _key_points_box(html) is None
    assert "Key points" not in html


def test_key_points_are_text_escaped_with_typed_bullets_dropped_and_crisis_numbers_linked(
    client, make_article
):
    article = make_article(
        key_points="- Call 988 to talk.\n\n* <b>Naloxone</b> & rescue breaths.\n•  Stay.\n"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert _key_points_box(html) == [
        'Call <a href="tel:988">988</a> to talk.',
        "&lt;b&gt;Naloxone&lt;/b&gt; &amp; rescue breaths.",
        "Stay.",
    ]


def test_split_key_points_skips_blank_lines_and_typed_numbers_but_keeps_numbers_in_text():
    text = "1. First\r\n\r\n2) Second\n   \n988 is the crisis line.\n3.5 million people"
    assert split_key_points(text) == [
        "First",
        "Second",
        "988 is the crisis line.",
        "3.5 million people",
    ]


def test_an_imported_approval_freezes_the_key_points_into_the_version(make_article):
    # make_article approves through article_import_approved_version, as load_demo_data does.
    article = make_article(key_points=POINTS)
    version = article.live_version
    assert version.key_points == POINTS
    assert version.reviewable_content()["key_points"] == POINTS
    assert version.content_hash == content_hash(article.reviewable_content())


def test_editing_key_points_waits_for_review_then_shows_once_approved(
    client, editor, reviewer, make_article
):
    article = make_article(key_points=POINTS)
    url = article.get_absolute_url()
    sign_in(client, editor)
    new_points = "Withdrawal can be dangerous for some people.\nHelp makes it safer.\nCall us."
    response = client.post(
        admin_url("change", article.pk), change_form_data(article, key_points=new_points)
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.key_points == new_points
    assert article.review_status == Article.ReviewStatus.EDITING

    client.logout()
    public = client.get(url).content.decode()
    assert "Withdrawal is hard, but rarely deadly." in public
    assert "can be dangerous for some people" not in public

    article_approve(article=article, user=reviewer, content_hash=fingerprint(article))
    public = client.get(url).content.decode()
    assert _key_points_box(public)[0] == "Withdrawal can be dangerous for some people."
    assert "rarely deadly" not in public


def test_putting_the_approved_key_points_back_clears_the_pending_change(make_article):
    article = make_article(key_points=POINTS)
    article.key_points = "Something else.\nA.\nB."
    article.save()
    assert article_working_copy_saved(article=article).review_status == "editing"
    article.key_points = POINTS
    article.save()
    assert article_working_copy_saved(article=article).review_status == "approved"


def test_the_review_page_shows_what_changed_in_the_key_points(
    client, editor, reviewer, make_article
):
    article = make_article(key_points=POINTS)
    article.key_points = POINTS.replace("rarely deadly", "sometimes dangerous")
    article.save()
    article_working_copy_saved(article=article)
    sign_in(client, reviewer)
    html = client.get(admin_url("review", article.pk)).content.decode()
    section = html.split("<h3>Key points</h3>", 1)[1].split("</div>", 1)[0]
    assert "<del>rarely deadly</del><ins>sometimes dangerous</ins>" in section


def test_key_points_unchanged_are_not_listed_as_a_change(client, reviewer, make_article):
    article = make_article(key_points=POINTS)
    article.body += "\nMore text.\n"
    article.save()
    article_working_copy_saved(article=article)
    sign_in(client, reviewer)
    html = client.get(admin_url("review", article.pk)).content.decode()
    assert "<h3>Body</h3>" in html
    assert "<h3>Key points</h3>" not in html


def test_empty_key_points_leave_the_fingerprint_of_older_approvals_unchanged(make_article):
    # Versions approved before key points existed were fingerprinted without
    # them: an article that still has none must not turn "changed" by itself.
    article = make_article(key_points="")
    content = article.reviewable_content()
    assert "key_points" not in content
    assert content_hash(content) == article.live_version.content_hash
    article.save()
    assert article_working_copy_saved(article=article).review_status == "approved"


def test_a_version_from_before_key_points_compares_as_having_none(client, reviewer, make_article):
    article = make_article(key_points="")  # approved as if before key points existed
    article.key_points = POINTS
    article.save()
    assert article_working_copy_saved(article=article).review_status == "editing"
    sign_in(client, reviewer)
    html = client.get(admin_url("review", article.pk)).content.decode()
    section = html.split("<h3>Key points</h3>", 1)[1].split("</div>", 1)[0]
    assert "<ins>Withdrawal is hard, but rarely deadly." in section


def test_the_preview_shows_the_working_copys_key_points(client, editor, make_article):
    article = make_article(key_points=POINTS)
    article.key_points = "A new first point.\nTwo.\nThree."
    article.save()
    sign_in(client, editor)
    preview = client.get(f"/preview/articles/{article.pk}/").content.decode()
    assert _key_points_box(preview) == ["A new first point.", "Two.", "Three."]


def test_the_help_box_makes_crisis_numbers_tap_to_call(client, make_article):
    article = make_article(
        when_to_get_help=(
            "If someone may be overdosing, call 911. For a mental health crisis, call or "
            "text 988. For treatment, call the SAMHSA National Helpline, 1-800-662-4357."
        )
    )
    html = client.get(article.get_absolute_url()).content.decode()
    box = html.split('<aside class="help-now"', 1)[1].split("</aside>", 1)[0]
    assert "When to get help now" in box
    assert '<a href="tel:911">911</a>' in box
    assert '<a href="tel:988">988</a>' in box
    assert '<a href="tel:+18006624357">1-800-662-4357</a>' in box
