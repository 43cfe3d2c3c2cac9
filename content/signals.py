"""Keep cached copies of edited data fresh.

A change to content remakes only the cached pages that show what changed
(see ``wellness_site.pagecache_tags`` for which page carries which tag):

- an article (its approval, withdrawal, a new version, a review, a
  citation): its own pages at every address it has had, its topics' pages,
  the lists (home, articles, topics, feed, sitemap), the pages of the people
  its versions name, the pages of articles that show it as related, and
  other apps' pages that list it (programs);
- a topic: its page, the lists, and the pages of its articles;
- a person: their page, the list of people, and the articles naming them;
- a policy page: that page (and the sitemap if it appears or goes);
- the center's profile, or a model no rule here knows: every page.
"""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from content.models import (
    CENTER_CACHE_KEY,
    Article,
    ArticleVersion,
    CenterProfile,
    Citation,
    Person,
    Review,
    SearchDocument,
    SearchSynonym,
    SearchWord,
    SitePage,
    Topic,
)
from wellness_site.pagecache import pages_changed
from wellness_site.pagecache_tags import (
    LISTS,
    PEOPLE,
    article_tag,
    pages_listing_articles,
    person_tag,
    site_page_tag,
    topic_tag,
)


@receiver([post_save, post_delete], sender=CenterProfile)
def forget_cached_center_profile(**kwargs):
    # Cleared again after commit, so a reader during the transaction cannot
    # put the old row back into the cache for good.
    cache.delete(CENTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CENTER_CACHE_KEY))


def bump(tags):
    """Make the pages carrying ``tags`` stale (every page if None), now and after commit.

    Again after commit, so that a page rendered from the old rows during the
    transaction does not outlive it.
    """
    pages_changed(tags)
    transaction.on_commit(lambda: pages_changed(tags))


def article_page_tags(article_ids):
    """The articles' own pages, at every address their approved versions had.

    An old address redirects once the slug changes, but its page may be in
    the cache from before.
    """
    slugs = ArticleVersion.objects.filter(article__in=article_ids).values_list("slug", flat=True)
    return {article_tag(slug) for slug in slugs}


def article_footprint(article_ids):
    """Every page that shows one of these articles (see the module's docstring)."""
    article_ids = list(article_ids)
    if not article_ids:
        return set()
    tags = {LISTS}
    versions = ArticleVersion.objects.filter(article__in=article_ids)
    for slug, author, reviewer in versions.values_list("slug", "author__slug", "reviewer__slug"):
        tags |= {article_tag(slug), person_tag(author), person_tag(reviewer)}
    topics = Topic.objects.filter(articles__in=article_ids).values_list("slug", flat=True)
    tags |= {topic_tag(slug) for slug in topics}
    # Articles that show these as related: their own pages (live addresses suffice,
    # old ones redirect; every version's is simpler and costs the same query).
    showing = ArticleVersion.objects.filter(article__related__in=article_ids)
    tags |= {article_tag(slug) for slug in showing.values_list("slug", flat=True)}
    return tags | pages_listing_articles(article_ids)


def _articles_naming(person):
    versions = ArticleVersion.objects.filter(author=person) | ArticleVersion.objects.filter(
        reviewer=person
    )
    reviewed = Review.objects.filter(reviewer=person).values_list("article_id", flat=True)
    return {*versions.values_list("article_id", flat=True), *reviewed}


# What a save can change that a cached page depends on beyond the row's own
# pages: a page's address (a page stays cached at the old one), or whether
# and which version of an article is public. Read before the save.
WATCHED_FIELDS = {
    Topic: ("slug",),
    Person: ("slug",),
    SitePage: ("kind",),
    Article: ("status", "live_version_id"),
}


def remember_watched_fields(sender, instance, raw=False, **kwargs):
    if instance.pk is not None and not raw:
        fields = WATCHED_FIELDS[sender]
        instance._pagecache_before = (
            sender.objects.filter(pk=instance.pk).values_list(*fields).first()
        )


def _before_and_moved(instance, created, deleting):
    """The watched fields' values before the save, and whether they changed."""
    before = getattr(instance, "_pagecache_before", None)
    now = tuple(getattr(instance, field) for field in WATCHED_FIELDS[type(instance)])
    return before, created or deleting or before != now


def _tags_for(instance, created=False, deleting=False):
    """The tags of the pages showing ``instance``, or None for every page."""
    if isinstance(instance, Article):
        _, moved = _before_and_moved(instance, created, deleting)
        # An edit of the working copy alone is not public: its own pages, to be safe.
        return article_footprint([instance.pk]) if moved else article_page_tags([instance.pk])
    if isinstance(instance, (ArticleVersion, Review)):
        return article_footprint([instance.article_id])
    if isinstance(instance, Citation):
        # A version keeps its citations as approved: only the article's own pages.
        return article_page_tags([instance.article_id])
    if isinstance(instance, Topic):
        before, _ = _before_and_moved(instance, created, deleting)
        # Names and counts are on the lists; the name on each article's page.
        tags = {topic_tag(instance.slug), LISTS} | _at(topic_tag, before)
        return tags | article_page_tags(instance.articles.values("pk"))
    if isinstance(instance, Person):
        before, moved = _before_and_moved(instance, created, deleting)
        tags = {person_tag(instance.slug), PEOPLE} | _at(person_tag, before)
        # The sitemap lists each profile's address.
        tags |= {LISTS} if moved else set()
        return tags | article_page_tags(_articles_naming(instance))
    if isinstance(instance, SitePage):
        before, moved = _before_and_moved(instance, created, deleting)
        tags = {site_page_tag(instance.kind)} | _at(site_page_tag, before)
        return tags | ({LISTS} if moved else set())
    return None  # the center's profile (on every page), or a model added since


def _at(make_tag, before):
    """The tag of the page at the address the row had before the save, if any."""
    return {make_tag(before[0])} if before is not None else set()


def forget_cached_pages(sender, instance, created=False, **kwargs):
    bump(_tags_for(instance, created=created, deleting=kwargs["signal"] is pre_delete))


def _linked_on_clear(through, instance):
    """``{model: pks}`` linked to ``instance`` through ``through``, before a clear()."""
    mine = [f for f in through._meta.fields if f.related_model is type(instance)]
    linked = {}
    for field in mine:
        for other in through._meta.fields:
            if other.is_relation and other is not field:
                rows = through.objects.filter(**{field.attname: instance.pk})
                pks = rows.values_list(other.attname, flat=True)
                linked.setdefault(other.related_model, set()).update(pks)
    return linked


def linked_objects(sender, instance, action, model, pk_set):
    """``{model: pks}`` of both sides of the links an m2m change touches, or None to skip.

    Shared with ``center.signals``.
    """
    if action == "pre_clear":
        linked = _linked_on_clear(sender, instance)
    elif action in ("post_add", "post_remove"):
        linked = {model: set(pk_set)}
    else:
        return None
    linked.setdefault(type(instance), set()).add(instance.pk)
    return linked


def forget_linked_pages(sender, instance, action, model, pk_set, **kwargs):
    """An article's topics or related articles changed: the pages of both sides."""
    linked = linked_objects(sender, instance, action, model, pk_set)
    if linked is None:
        return
    if set(linked) - {Article, Topic}:
        bump(None)  # a link no rule here knows
        return
    tags = article_page_tags(linked.get(Article, ()))
    topics = linked.get(Topic)
    if topics:
        tags |= {LISTS}
        tags |= {
            topic_tag(slug)
            for slug in Topic.objects.filter(pk__in=topics).values_list("slug", flat=True)
        }
    bump(tags)


# Shown on no kept page: they shape search results, which are never kept. (A
# version's words and vector are derived from it, written and deleted with
# its publication, which bumps the pages it is on.)
NOT_ON_ANY_PAGE = (SearchSynonym, SearchWord, SearchDocument)


def connect_page_invalidation():
    for model in apps.get_app_config("content").get_models():
        if model.__name__.startswith("Historical"):
            continue  # saved alongside the model it records
        if model in NOT_ON_ANY_PAGE:
            continue
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(forget_cached_pages, sender=model, dispatch_uid=uid + "-save")
        # Before the row goes, while the pages it shows on can still be found.
        pre_delete.connect(forget_cached_pages, sender=model, dispatch_uid=uid + "-delete")
        if model in WATCHED_FIELDS:
            pre_save.connect(remember_watched_fields, sender=model, dispatch_uid=uid + "-before")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                forget_linked_pages,
                sender=field.remote_field.through,
                dispatch_uid=uid + field.name,
            )
