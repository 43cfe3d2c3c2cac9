"""Keep cached copies of edited data fresh."""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from content.models import CENTER_CACHE_KEY, CenterProfile
from wellness_site.pagecache import pages_changed


@receiver([post_save, post_delete], sender=CenterProfile)
def forget_cached_center_profile(**kwargs):
    # Cleared again after commit, so a reader during the transaction cannot
    # put the old row back into the cache for good.
    cache.delete(CENTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CENTER_CACHE_KEY))


def forget_cached_pages(**kwargs):
    """Any change to site content may show on any public page: all are remade.

    Bumped now and again after commit, for the same reason as above: a page
    rendered from the old rows during the transaction must not outlive it.
    """
    pages_changed()
    transaction.on_commit(pages_changed)


def connect_page_invalidation():
    for model in apps.get_app_config("content").get_models():
        if model.__name__.startswith("Historical"):
            continue  # saved alongside the model it records
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(forget_cached_pages, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(forget_cached_pages, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                forget_cached_pages,
                sender=field.remote_field.through,
                dispatch_uid=uid + field.name,
            )
