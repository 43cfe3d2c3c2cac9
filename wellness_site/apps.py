from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WellnessSiteConfig(AppConfig):
    """The project itself: staff sign-in, two-factor enrolment, site-wide views."""

    default = True
    name = "wellness_site"
    verbose_name = "Site"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save, pre_save

        from wellness_site import checks  # noqa: F401  (registers the system checks)
        from wellness_site.accounts import end_sessions_on_deactivation
        from wellness_site.admin_site import forgive_own_failures
        from wellness_site.middleware import mark_session_start
        from wellness_site.offline_page import center_profile_saved

        user_logged_in.connect(mark_session_start, dispatch_uid="wellness_session_start")
        user_logged_in.connect(forgive_own_failures, dispatch_uid="wellness_forgive_own_failures")
        pre_save.connect(
            end_sessions_on_deactivation,
            sender=get_user_model(),
            dispatch_uid="wellness_end_sessions_on_deactivation",
        )
        post_save.connect(
            center_profile_saved,
            sender="content.CenterProfile",
            dispatch_uid="wellness_offline_page",
        )


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that requires a second factor (see admin_site.py)."""

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "wellness_site.admin_site.StaffAdminSite"
