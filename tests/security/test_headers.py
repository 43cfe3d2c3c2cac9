"""The security headers and cookies, on every kind of page, with production settings.

The test settings are the production ones (DEBUG off); requests are made
with secure=True, as they arrive through the TLS proxy.
"""

import pytest
from csp.constants import HEADER, NONCE
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from tests.auth import ADMIN, admin_login, authenticator, current_code, sign_in
from wellness_site.middleware import ContentSecurityPolicyMiddleware

ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"
CALLBACK = "/call-back/"


def _csp(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


@pytest.fixture
def pages(client, demo_data, superuser):
    """A public page, the call-back page, an article and an admin change list."""

    def _get(name):
        if name == "admin":
            sign_in(client, superuser)
            return client.get(f"{ADMIN}content/article/", secure=True)
        if name == "admin_login":
            return client.get(f"{ADMIN}login/", secure=True)
        return client.get(
            {"home": "/", "callback": CALLBACK, "article": ARTICLE}[name], secure=True
        )

    return _get


PAGES = ["home", "callback", "article", "admin", "admin_login"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_strict_content_security_policy(pages, name):
    response = pages(name)
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "img-src", "font-src", "connect-src"):
        assert policy[directive] == ["'self'"], directive
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "http:" not in header and "https:" not in header and "data:" not in header


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_other_security_headers(pages, name):
    response = pages(name)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()", feature


def test_hsts_preload_is_an_explicit_choice(client, db, settings):
    assert "preload" not in client.get("/", secure=True)["Strict-Transport-Security"]


def test_static_files_carry_the_same_headers(client, db):
    response = client.get("/static/css/main.css", secure=True)
    assert response.status_code == 200
    assert _csp(response)["default-src"] == ["'none'"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    response.close()


def test_staff_pages_tell_search_engines_to_keep_out(pages):
    assert pages("admin_login")["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in pages("home")


def test_the_public_forms_set_no_cookie(client, db, center):
    # They work with cookies blocked (SECURITY.md): not even a CSRF cookie.
    for url in (CALLBACK, "/contact/"):
        assert client.get(url, secure=True).cookies == {}


def test_the_staff_csrf_cookie_is_host_only_secure_and_lax(client, db, center):
    response = client.get(ADMIN + "login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(client, superuser):
    code = current_code(authenticator(superuser))
    response = admin_login(client, superuser.username, code=code, secure=True)
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_public_pages_set_no_cookie_at_all(client, demo_data):
    for url in ("/", ARTICLE):
        assert not client.get(url, secure=True).cookies, url


def test_security_txt_names_a_contact_and_an_expiry(client, db, settings):
    response = client.get("/.well-known/security.txt", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@wellness.example"
    assert fields["Canonical"] == "https://wellness.example/.well-known/security.txt"
    from datetime import datetime, timedelta

    from django.utils import timezone

    expires = datetime.fromisoformat(fields["Expires"])
    assert timezone.now() < expires < timezone.now() + timedelta(days=366)


def test_security_txt_uses_the_operators_contact_and_expiry(client, db, settings):
    from datetime import datetime

    settings.SECURITY_CONTACT = "https://example.org/report"
    settings.SECURITY_TXT_EXPIRES = datetime(2027, 6, 30)
    text = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: https://example.org/report\n" in text
    assert "Expires: 2027-06-30T00:00:00Z\n" in text


def test_the_admin_is_only_at_its_configured_path(client, db):
    assert ADMIN != "/admin/"
    assert client.get("/admin/").status_code == 404
    assert client.get(ADMIN).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/health/live/",
        "/robots.txt",
        "/.well-known/security.txt",
        "/no-such-page/",
        "/sitemap.xml",
    ],
)
def test_every_other_response_has_the_policy_too(client, demo_data, url):
    response = client.get(url, secure=True)
    assert _csp(response)["default-src"] == ["'none'"], url
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_admin_sets_no_cookie_but_the_two_prefixed_ones(client, demo_data, superuser):
    code = current_code(authenticator(superuser))
    cookies = dict(admin_login(client, superuser.username, code=code, secure=True).cookies)
    article = client.get(f"{ADMIN}content/article/", secure=True)
    # Saving shows a message; it must not arrive as a cookie of its own.
    from content.models import Topic

    topic = Topic.objects.first()
    page = client.get(f"{ADMIN}content/topic/{topic.pk}/change/", secure=True)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    saved = client.post(f"{ADMIN}content/topic/{topic.pk}/change/", data, secure=True)
    assert saved.status_code == 302, saved.content[:1500]
    cookies.update(article.cookies)
    cookies.update(saved.cookies)
    assert set(cookies) <= {"__Host-sessionid", "__Host-csrftoken"}
    assert b"was changed successfully" in client.get(saved["Location"], secure=True).content


def _csp_pair(settings, view, path="/anything/"):
    """The CSP header from django-csp's own middleware and from ours, for ``view``."""
    settings.DEBUG = False
    headers = []
    for middleware in (CSPMiddleware, ContentSecurityPolicyMiddleware):
        request = RequestFactory().get(path)
        handler = middleware(view)
        handler.process_request(request)
        headers.append(handler.process_response(request, view(request)).get(HEADER))
    return headers


def test_the_policy_built_once_is_the_one_django_csp_builds(settings):
    theirs, ours = _csp_pair(settings, lambda request: HttpResponse("page"))
    assert ours == theirs
    assert "default-src 'none'" in ours


def test_a_view_with_its_own_policy_or_a_nonce_still_gets_it(settings):
    @csp_update({"img-src": ["https://images.example.org"]})
    def with_images(request):
        return HttpResponse("page")

    theirs, ours = _csp_pair(settings, with_images)
    assert ours == theirs and "https://images.example.org" in ours

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    # Were a page to use a nonce, the policy built once could not hold it.
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "script-src": [*directives["script-src"], NONCE]}
    }
    _theirs, ours = _csp_pair(settings, with_nonce)
    assert "script-src 'self' 'nonce-" in ours
