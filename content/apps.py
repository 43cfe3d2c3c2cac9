from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Site content")

    def ready(self):
        from content import signals

        signals.connect_page_invalidation()
        from content.roles import sync_content_roles

        post_migrate.connect(sync_content_roles, sender=self)
