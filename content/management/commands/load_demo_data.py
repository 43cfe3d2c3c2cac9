"""Load the demo content in fixtures/ without overwriting anything.

Each object in a fixture is saved only if no row with its primary key exists
yet, so running this twice changes nothing and never undoes an edit made in
the admin. The fixtures' dates were written as of ``WRITTEN_ON``; they are
moved forward by the time since, so that the demo keeps one article overdue
for review and one scheduled for the future whenever it is loaded.

Articles arrive as working copies. Visitors read approved versions, which
only ``content.services`` makes, so each new article's approvals are then
recorded from ``demo_reviews.json``: for each article slug, its approvals
oldest first, each with the approving reviewer's slug, ``approved_at``, the
``change_note`` readers see and ``review_interval_months``. The first
approval's time is when the article was first published, unless the article
proposes a later ``publish_at`` (the scheduled one). An article without
approvals stays an unpublished draft. Finally two new articles get a change
after approval, so that every state can be seen without typing: one change
waits in review, the other has a reviewer's request for changes
(``PENDING_CHANGE`` and ``CHANGES_REQUESTED`` below).

To regenerate the fixtures after editing the demo content (then set
``WRITTEN_ON`` to the day of the dump):

    python manage.py dumpdata content.centerprofile content.sitepage \\
        --indent 2 -o fixtures/demo_site.json
    python manage.py dumpdata content.topic content.person content.article \\
        content.citation --indent 2 -o fixtures/demo_articles.json
    python manage.py shell -v 0 -c "import json; from collections import defaultdict; \\
        from content.models import ArticleVersion; a = defaultdict(list); \\
        [a[v.article.slug].append({'approved_at': v.approved_at.isoformat(), \\
        'reviewer': v.reviewer.slug, 'change_note': v.change_note, \\
        'review_interval_months': v.review_interval_months}) for v in \\
        ArticleVersion.objects.filter(kind='review').order_by('approved_at')]; \\
        print(json.dumps(a, indent=2, ensure_ascii=False))" > fixtures/demo_reviews.json

then edit demo_articles.json: drop from each article what the workflow sets
(``status``, ``review_status``, ``live_version``, ``change_note``, and
``publish_at`` unless it is a future time to schedule the article for), and
give the two articles changed here the body of their approved version, or
this command would add its change a second time.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from center.models import Credential
from content.models import Article, Citation, Person, Review, content_hash
from content.services import article_import_approved_version

FIXTURES = ["demo_site.json", "demo_articles.json", "demo_center.json"]
APPROVALS = "demo_reviews.json"
WRITTEN_ON = date(2026, 11, 24)
DATES_TO_SHIFT = {
    Article: ["publish_at"],
    Citation: ["last_checked"],
    Person: ["licence_expires"],
    # One of them is expired on purpose, and the rest current, whenever loaded.
    Credential: ["valid_until"],
}

# create_demo_staff links the demo reviewer account to this profile, so the
# two articles below must name her: she can then act on them as herself.
DEMO_REVIEWER = "odalys-brambleworth"

# Each change is inserted into the approved body right after ``after``.
PENDING_CHANGE = {
    "slug": "heroin-withdrawal-symptoms-and-timeline",
    "after": "This is one reason why ongoing care matters.\n",
    "text": (
        "\nIf vomiting or diarrhea will not stop, or you cannot keep fluids down, get "
        "medical care the same day. Losing too much fluid can become serious quickly.[^1]\n"
    ),
    "change_note": "Added when vomiting or diarrhea during withdrawal needs same-day care.",
}
CHANGES_REQUESTED = {
    "slug": "medications-for-opioid-use-disorder",
    "after": (
        "- For opioid use disorder, methadone is given only through **certified opioid "
        "treatment programs (OTPs)**, sometimes called methadone clinics.[^1][^5]\n"
    ),
    "text": "- Methadone clinics can now send more doses home with you.[^5]\n",
    "change_note": "Added that clinics can now give more take-home doses of methadone.",
    "comment": (
        "Please say who this applies to. Under the 2024 rule, a program may allow "
        "take-home doses when the clinician judges that the person is stable and that "
        "it is safe; as written, it sounds as if everyone gets them from the start."
    ),
}


class Command(BaseCommand):
    help = "Load the demo content; existing rows are left untouched."

    def handle(self, *args, **options):
        shift = timezone.localdate() - WRITTEN_ON
        created = kept = 0
        articles = []
        with transaction.atomic():
            for name in FIXTURES:
                with _fixture_path(name).open(encoding="utf-8") as stream:
                    for item in serializers.deserialize("json", stream):
                        obj = item.object
                        model = type(obj)
                        if model._default_manager.filter(pk=obj.pk).exists():
                            kept += 1
                            continue
                        for field in DATES_TO_SHIFT.get(model, []):
                            value = getattr(obj, field)
                            if value is not None:
                                setattr(obj, field, value + shift)
                        if model is Article:
                            # A full save renders the Markdown; links to other
                            # articles wait until all of them exist.
                            obj.save()
                            articles.append(item)
                        else:
                            item.save()
                        created += 1
            for item in articles:
                for field_name, values in item.m2m_data.items():
                    getattr(item.object, field_name).set(values)
            new = {item.object.slug: item.object for item in articles}
            # After the citations are in, because an approval freezes them too.
            approved = self._approve(new, shift)
            self._change(new, PENDING_CHANGE, Article.ReviewStatus.IN_REVIEW)
            changed = self._change(new, CHANGES_REQUESTED, Article.ReviewStatus.CHANGES_REQUESTED)
            if changed is not None:
                Review.objects.create(
                    article=changed,
                    decision=Review.Decision.CHANGES_REQUESTED,
                    reviewer=changed.reviewer,
                    user=None,
                    comment=CHANGES_REQUESTED["comment"],
                    content_hash=content_hash(changed.reviewable_content()),
                )
        self.stdout.write(
            f"Demo data: {created} created, {kept} already present; "
            f"{approved} approved versions recorded."
        )

    def _approve(self, new_articles, shift):
        with _fixture_path(APPROVALS).open(encoding="utf-8") as stream:
            approvals = json.load(stream)
        reviewers = {person.slug: person for person in Person.objects.all()}
        count = 0
        for slug, article in new_articles.items():
            for approval in sorted(approvals.get(slug, []), key=_approved_at):
                article_import_approved_version(
                    article=article,
                    reviewer=reviewers[approval["reviewer"]],
                    approved_at=_approved_at(approval) + shift,
                    change_note=approval["change_note"],
                    review_interval_months=approval["review_interval_months"],
                )
                count += 1
        return count

    def _change(self, new_articles, change, review_status):
        """Edit a newly loaded article after its approval; the live version stays as it was."""
        if change["slug"] not in new_articles:
            return None
        article = Article.objects.get(pk=new_articles[change["slug"]].pk)
        if change["after"] in article.body:
            article.body = article.body.replace(
                change["after"], change["after"] + change["text"], 1
            )
        else:
            article.body = f"{article.body.rstrip()}\n{change['text']}"
        article.change_note = change["change_note"]
        article.reviewer = Person.objects.get(slug=DEMO_REVIEWER)
        article._change_reason = "Demo data: a change after approval"
        article.save(update_fields=["body", "change_note", "reviewer"])
        # update(), as content.services does for workflow fields: the edit is
        # already in the history, and a second entry would only repeat it.
        Article.objects.filter(pk=article.pk).update(review_status=review_status)
        article.review_status = review_status
        return article


def _fixture_path(name):
    return Path(settings.BASE_DIR) / "fixtures" / name


def _approved_at(approval):
    return parse_datetime(approval["approved_at"])
