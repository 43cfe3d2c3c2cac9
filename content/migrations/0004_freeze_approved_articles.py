"""Freeze what visitors were reading as each approved article's first version."""

import hashlib
import json

from django.db import migrations


# Frozen here: a migration must not import today's models or services.
def _hash(content):
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _add_months(day, months):
    from calendar import monthrange

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def _person(person):
    return {
        "name": person.name,
        "credentials": person.credentials,
        "job_title": person.job_title,
        "specialty": person.specialty,
    }


def freeze_approved_articles(apps, schema_editor):
    """Each article that was approved becomes version 1, with its text as it is now.

    Before versions, the live page was the article row itself, so its
    current text is what visitors were reading. Old review rows become
    approval records; the newest one points at the version.
    """
    Article = apps.get_model("content", "Article")
    ArticleVersion = apps.get_model("content", "ArticleVersion")
    Review = apps.get_model("content", "Review")
    for review in Review.objects.all():
        review.decision = "approved"
        review.user_id = review.approved_by_id
        review.created_at = review.approved_at
        review.comment = review.change_note
        review.save()
    for article in Article.objects.select_related("author", "reviewer"):
        if article.status == "in_review":
            article.status, article.review_status = "draft", "in_review"
        elif article.status in ("published", "archived") and article.last_reviewed:
            latest = Review.objects.filter(article=article).order_by("-approved_at").first()
            citations = [
                {
                    "order": c.order, "authors": c.authors, "title": c.title,
                    "publisher": c.publisher, "year": c.year, "url": c.url, "doi": c.doi,
                    "pmid": c.pmid, "last_checked": c.last_checked.isoformat(),
                }
                for c in article.citations.order_by("order", "pk")
            ]  # fmt: skip
            content = {
                "title": article.title, "slug": article.slug, "summary": article.summary,
                "meta_description": article.meta_description, "body": article.body,
                "when_to_get_help": article.when_to_get_help, "author": article.author_id,
                "citations": citations,
            }  # fmt: skip
            approved_at = latest.approved_at if latest else article.updated_at
            publish_at = article.publish_at or approved_at
            version = ArticleVersion.objects.create(
                article=article, number=1, kind="review", title=article.title,
                slug=article.slug, summary=article.summary,
                meta_description=article.meta_description, body=article.body,
                when_to_get_help=article.when_to_get_help, body_html=article.body_html,
                help_html=article.help_html, toc=article.toc, citations=citations,
                author=article.author, reviewer=article.reviewer,
                byline={"author": _person(article.author), "reviewer": _person(article.reviewer)},
                change_note=article.change_note,
                approved_by_id=latest.approved_by_id if latest else None,
                approved_at=approved_at, publish_at=publish_at, first_published_at=publish_at,
                last_reviewed=article.last_reviewed,
                review_interval_months=article.review_interval_months,
                next_review_due=_add_months(article.last_reviewed, article.review_interval_months),
                content_hash=_hash(content),
            )  # fmt: skip
            if latest:
                latest.version = version
                latest.content_hash = version.content_hash
                latest.save()
            article.live_version = version
            article.review_status = "approved"
            article.change_note = ""
        else:
            article.status, article.review_status = "draft", "editing"
        article.save()


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0003_versions"),
    ]

    operations = [
        migrations.RunPython(freeze_approved_articles, migrations.RunPython.noop),
    ]
