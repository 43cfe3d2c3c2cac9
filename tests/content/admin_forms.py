"""The article admin's forms as a person's browser posts them, for tests."""

from django.contrib.messages import get_messages
from django.utils import timezone

from content.models import Article, content_hash


def change_form_data(article, **changes):
    """What the article's change form posts, with ``changes`` applied."""
    publish_at = timezone.localtime(article.publish_at) if article.publish_at else None
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "key_points": article.key_points,
        "topics": [topic.pk for topic in article.topics.all()] if article.pk else [],
        "body": article.body,
        "when_to_get_help": article.when_to_get_help,
        "author": article.author_id,
        "reviewer": article.reviewer_id,
        "publish_at_0": publish_at.date().isoformat() if publish_at else "",
        "publish_at_1": publish_at.time().isoformat(timespec="seconds") if publish_at else "",
        "change_note": article.change_note,
        "meta_description": article.meta_description,
        # Existing citations and reviews are left as they are.
        "citations-TOTAL_FORMS": 0,
        "citations-INITIAL_FORMS": 0,
        "reviews-TOTAL_FORMS": 0,
        "reviews-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def fingerprint(article):
    """The fingerprint of the article's working copy as it is in the database now."""
    return content_hash(Article.objects.get(pk=article.pk).reviewable_content())
