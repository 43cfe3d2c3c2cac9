from django.conf import settings
from django.utils.functional import SimpleLazyObject

from content.models import CenterProfile


def center_for_request(request):
    # Once per request at most, however many templates ask for it.
    if not hasattr(request, "_center_profile"):
        request._center_profile = CenterProfile.objects.get_cached()
    return request._center_profile


def center_state(request):
    """Every stored value of the center's profile, as one hashable key.

    Parts of pages rendered from the profile alone (the header, the footer)
    are reused while this key is the same (``content.fragments``): any edit
    in the admin, seen by every app server on its next read of the profile,
    gives a new key.
    """
    if not hasattr(request, "_center_state"):
        request._center_state = profile_state(center_for_request(request))
    return request._center_state


def profile_state(center):
    """Every stored value of ``center``, as a string.

    Worked out once per copy of the profile the cache holds
    (``CenterProfileQuerySet.get_cached`` stores it beside the values).
    """
    return getattr(center, "_stored_state", None) or center.stored_state()


def site(request):
    """The center's profile and the public origin, for every template."""
    return {
        "center": SimpleLazyObject(lambda: center_for_request(request)),
        "site_url": settings.SITE_URL,
    }
