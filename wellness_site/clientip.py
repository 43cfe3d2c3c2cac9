"""The client's address, as far as this site can know it.

Behind ``TRUSTED_PROXY_COUNT`` proxies, each appends the address it received
the request from to ``X-Forwarded-For``. The right-most entries were written
by our proxies; the one they wrote for the outermost hop is the client. Any
entry to the left of it came from the client and may be anything, so it is
never used. With no trusted proxy, ``REMOTE_ADDR`` is the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        # Fewer entries than proxies: the request did not come through them all.
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
