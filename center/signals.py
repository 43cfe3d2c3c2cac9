"""Keep cached pages and the footer's accreditation line fresh when center data changes."""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from center.models import Credential
from wellness_site.pagecache import pages_changed

CREDENTIALS_CACHE_KEY = "center:credentials-summary:v1"


def forget_cached_pages(**kwargs):
    """Programs, staff, licences and pages show on many pages (the footer on all): remake all.

    Bumped now and again after commit, so that a page rendered from the old
    rows during the transaction does not outlive it.
    """
    pages_changed()
    transaction.on_commit(pages_changed)


def forget_cached_credentials(**kwargs):
    cache.delete(CREDENTIALS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CREDENTIALS_CACHE_KEY))


def connect_page_invalidation():
    for model in apps.get_app_config("center").get_models():
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
    uid = "center-credentials-summary"
    post_save.connect(forget_cached_credentials, sender=Credential, dispatch_uid=uid + "-save")
    post_delete.connect(forget_cached_credentials, sender=Credential, dispatch_uid=uid + "-delete")
