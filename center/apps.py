from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CenterConfig(AppConfig):
    name = "center"
    verbose_name = _("The center")

    def ready(self):
        from center import signals

        signals.connect_page_invalidation()
        # The center administrators' group is declared in content.roles; on a new
        # database this app's permissions exist only from its own post_migrate on.
        from content.roles import sync_content_roles

        post_migrate.connect(sync_content_roles, sender=self)
