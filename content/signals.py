"""Keep cached copies of edited data fresh."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from content.models import CENTER_CACHE_KEY, CenterProfile


@receiver([post_save, post_delete], sender=CenterProfile)
def forget_cached_center_profile(**kwargs):
    # Cleared again after commit, so a reader during the transaction cannot
    # put the old row back into the cache for good.
    cache.delete(CENTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CENTER_CACHE_KEY))
