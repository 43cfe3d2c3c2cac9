"""Keep cached pages and the footer's accreditation line fresh when center data changes.

A program, a staff member, an insurance plan or a page of the center's
remakes the center's own pages (``CENTER``: programs, about, team,
admissions, paying, location, the home page's programs, the sitemap); a
program also remakes the pages of the articles it links, which name it. A
licence is in every page's footer: every page is remade, as for any model
no rule here knows. In turn, an article's change remakes the program and
center pages that list it (``pages_listing_articles``).
"""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember
from content.models import Article
from content.signals import article_page_tags, bump, linked_objects
from wellness_site.pagecache_tags import (
    CENTER,
    PAYING,
    admissions_page_tag,
    lists_articles,
    program_tag,
)

CREDENTIALS_CACHE_KEY = "center:credentials-summary:v1"


def _center_page_tags(pages):
    tags = set()
    for section, slug in pages.values_list("section", "slug"):
        if section == CenterPage.Section.ADMISSIONS:
            tags.add(admissions_page_tag(slug))
        elif section == CenterPage.Section.PAYING:
            tags.add(PAYING)
    return tags


@lists_articles
def pages_listing(article_ids):
    """Programs and center pages whose "Read more" lists show one of these articles."""
    programs = Program.objects.filter(articles__in=article_ids).values_list("slug", flat=True)
    tags = {program_tag(slug) for slug in programs}
    return tags | _center_page_tags(CenterPage.objects.filter(articles__in=article_ids))


def _tags_for(instance):
    if isinstance(instance, Program):
        return {CENTER} | article_page_tags(instance.articles.values("pk"))
    if isinstance(instance, (CenterPage, StaffMember, InsurancePlan)):
        return {CENTER}
    return None  # a licence (in every footer), or a model added since


def forget_cached_pages(sender, instance, **kwargs):
    bump(_tags_for(instance))


def forget_linked_pages(sender, instance, action, model, pk_set, **kwargs):
    """A program's or a center page's articles changed: those pages and the articles'."""
    linked = linked_objects(sender, instance, action, model, pk_set)
    if linked is None:
        return
    if set(linked) - {Program, CenterPage, Article}:
        bump(None)  # a link no rule here knows
        return
    bump({CENTER} | article_page_tags(linked.get(Article, ())))


def forget_cached_credentials(**kwargs):
    cache.delete(CREDENTIALS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CREDENTIALS_CACHE_KEY))


def connect_page_invalidation():
    for model in apps.get_app_config("center").get_models():
        if model.__name__.startswith("Historical"):
            continue  # saved alongside the model it records
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(forget_cached_pages, sender=model, dispatch_uid=uid + "-save")
        # Before the row goes, while the articles it links can still be found.
        pre_delete.connect(forget_cached_pages, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                forget_linked_pages,
                sender=field.remote_field.through,
                dispatch_uid=uid + field.name,
            )
    uid = "center-credentials-summary"
    post_save.connect(forget_cached_credentials, sender=Credential, dispatch_uid=uid + "-save")
    post_delete.connect(forget_cached_credentials, sender=Credential, dispatch_uid=uid + "-delete")
