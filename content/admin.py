from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse

from content.models import CenterProfile, SitePage


@admin.register(CenterProfile)
class CenterProfileAdmin(admin.ModelAdmin):
    """A single profile: the list goes straight to it, and it cannot be removed."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "is_demo"]}),
        ("Phones", {"fields": ["main_phone", "admissions_phone", "callback_time"]}),
        ("Address", {"fields": ["street_address", "locality", "region", "postal_code"]}),
        (None, {"fields": ["hours", "accreditation", "privacy_practices_url"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CenterProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        profile = CenterProfile.objects.order_by("pk").first()
        if profile is None:
            return redirect(reverse("admin:content_centerprofile_add"))
        return redirect(reverse("admin:content_centerprofile_change", args=[profile.pk]))


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    readonly_fields = ["updated_at"]
