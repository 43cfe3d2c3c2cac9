from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Admissions")

    def ready(self):
        from intake.roles import sync_intake_roles

        post_migrate.connect(sync_intake_roles, sender=self)
