from django.conf import settings
from django.utils.functional import SimpleLazyObject

from content.models import CenterProfile


def center_for_request(request):
    # Once per request at most, however many templates ask for it.
    if not hasattr(request, "_center_profile"):
        request._center_profile = CenterProfile.objects.get_cached()
    return request._center_profile


def site(request):
    """The center's profile and the public origin, for every template."""
    return {
        "center": SimpleLazyObject(lambda: center_for_request(request)),
        "site_url": settings.SITE_URL,
    }
