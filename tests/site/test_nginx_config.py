"""deploy/nginx-site.conf: it loads, and its micro-cache keeps nothing personal."""

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from content.models import CenterProfile
from tests.tools import require

ROOT = Path(__file__).resolve().parents[2]
SITE = (ROOT / "deploy" / "nginx-site.conf").read_text()
sys.path.insert(0, str(ROOT / "bench"))
from server import deploy_site_conf, write_nginx_conf  # noqa: E402


def _location(name):
    """The body of ``location <name> {`` (no nested blocks in this file)."""
    match = re.search(r"\n    location " + re.escape(name) + r" \{\n(.*?)\n    \}", SITE, re.S)
    assert match, name
    return match.group(1)


def _directive(body, name):
    """The value of ``name`` in ``body``, comments removed and lines joined."""
    text = " ".join(line.split("#", 1)[0] for line in body.splitlines())
    match = re.search(r"(?:^|;|\{)\s*" + name + r"\s+([^;]*);", text)
    return " ".join(match.group(1).split()) if match else None


def test_the_rendered_site_file_passes_nginx_t(tmp_path):
    nginx = require("nginx", "apt-get install -y nginx")
    require("openssl", "apt-get install -y openssl")
    tmp_path.chmod(0o755)
    body = deploy_site_conf(
        tmp_path, app_ports=[18001, 18002], http_port=18080, https_port=18443,
        server_names=["127.0.0.1"], admin="/office/", plain_port=18081,
    )  # fmt: skip
    conf = write_nginx_conf(tmp_path, body, workers=1)
    result = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    # The loopback copy still caches, and bypasses the admin where it really is.
    assert f"{tmp_path}/nginx-cache" in body
    assert '"~^/office/"' in body and '"~^/admin/"' not in body


def test_the_cache_lives_on_disk_long_enough_to_outlast_an_outage():
    path = _directive(SITE, "proxy_cache_path")
    assert path.startswith("/var/cache/nginx/wellness ")
    inactive = re.search(r"inactive=(\d+)([smhd])", path)
    seconds = int(inactive.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[inactive.group(2)]
    assert seconds >= 6 * 3600
    assert "keys_zone=wellness_pages:" in path


def test_public_pages_are_cached_briefly_and_served_stale_on_errors():
    root = _location("/")
    assert _directive(root, "proxy_cache") == "wellness_pages"
    assert _directive(root, "proxy_cache_valid") == "200 5s"
    assert _directive(root, "proxy_cache_revalidate") == "on"
    assert _directive(root, "proxy_cache_background_update") == "on"
    assert _directive(root, "proxy_cache_lock") == "on"
    stale = set(_directive(root, "proxy_cache_use_stale").split())
    assert stale >= {"updating", "error", "timeout", "http_500", "http_502", "http_503",
                     "http_504"}  # fmt: skip
    assert _directive(root, "add_header") == "X-Cache-Status $upstream_cache_status always"


def test_the_cache_key_holds_no_cookie_and_no_header():
    key = _directive(_location("/"), "proxy_cache_key")
    assert key == "$scheme$host$request_uri"
    assert "cookie" not in key.lower() and "$http_" not in key


def test_a_response_that_sets_a_cookie_is_never_stored():
    ignored = _directive(_location("/"), "proxy_ignore_headers").split()
    assert "Set-Cookie" not in ignored and "Vary" not in ignored
    # Cache-Control is not read for the lifetime, so "public" is required explicitly.
    no_cache = _directive(_location("/"), "proxy_no_cache").split()
    assert "$wellness_not_public" in no_cache
    assert re.search(r"map \$upstream_http_cache_control \$wellness_not_public \{", SITE)


def test_staff_sessions_forms_search_admin_and_health_checks_bypass_the_cache():
    root = _location("/")
    for directive in ("proxy_cache_bypass", "proxy_no_cache"):
        names = _directive(root, directive).split()
        assert {
            "$wellness_cookie_bypass",
            "$wellness_path_bypass",
            "$wellness_args_bypass",
        } <= set(names)
    cookie_map = re.search(r"map \$http_cookie \$wellness_cookie_bypass \{(.*?)\n\}", SITE, re.S)
    pattern = re.search(r'"~([^"]+)"\s+1;', cookie_map.group(1)).group(1)
    for cookie in ("__Host-sessionid=abc", "a=b; __Host-csrftoken=x", "sessionid=1"):
        assert re.search(pattern, cookie), cookie
    assert not re.search(pattern, "theme=dark; mysessionid=1")
    path_map = re.search(r"map \$uri \$wellness_path_bypass \{(.*?)\n\}", SITE, re.S).group(1)
    patterns = re.findall(r'"~([^"]+)"\s+1;', path_map)
    for path in ("/call-back/", "/call-back/thanks/", "/contact/", "/search/", "/admin/x/",
                 "/health/ready/"):  # fmt: skip
        assert any(re.search(p, path) for p in patterns), path
    assert not any(re.search(p, "/articles/heroin/") for p in patterns)


def test_only_a_page_number_may_be_in_a_cached_address():
    args_map = re.search(r"map \$args \$wellness_args_bypass \{(.*?)\n\}", SITE, re.S).group(1)
    kept = re.search(r'"~([^"]+)"\s+"";', args_map).group(1)
    assert re.search(kept, "page=2")
    assert not re.search(kept, "page=2&email=someone@example.org")
    assert not re.search(kept, "q=heroin")


@pytest.mark.parametrize("form", ["/call-back/", "/contact/"])
def test_form_pages_are_never_cached_and_show_the_offline_page(form):
    body = _location(f"= {form}")
    assert "proxy_cache " not in body
    assert "error_page 502 503 504 =503 /_offline/forms.html;" in body
    offline = _location("^~ /_offline/")
    assert _directive(offline, "alias") == "/srv/wellness/media/offline/"
    assert "internal;" in offline


def test_the_offline_page_gives_the_phone_and_the_crisis_numbers(center, tmp_path, settings):
    settings.OFFLINE_PAGE_DIR = str(tmp_path / "offline")
    profile = CenterProfile.objects.get()
    profile.main_phone = "6145550199"
    profile.save()
    call_command("write_offline_page", stdout=io.StringIO())
    html = (tmp_path / "offline" / "forms.html").read_text()
    assert "Requests cannot be sent right now" in html
    assert 'href="tel:+16145550199"' in html
    assert 'href="tel:911"' in html and 'href="tel:988"' in html
    # Nothing in it that could be sent: no intake form, no token.
    assert "form_token" not in html and "csrfmiddlewaretoken" not in html
    assert not list((tmp_path / "offline").glob("*.tmp"))
    shutil.rmtree(tmp_path / "offline")


def test_saving_the_center_profile_rewrites_the_offline_page(
    center, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.OFFLINE_PAGE_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        center.main_phone = "6145550177"
        center.save()
    assert 'href="tel:+16145550177"' in (tmp_path / "forms.html").read_text()


def test_a_profile_save_stands_when_the_offline_page_cannot_be_written(
    center, tmp_path, settings, django_capture_on_commit_callbacks, caplog
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.OFFLINE_PAGE_DIR = str(blocker / "offline")
    with django_capture_on_commit_callbacks(execute=True):
        center.main_phone = "6145550166"
        center.save()
    assert CenterProfile.objects.get().main_phone == "+16145550166"
    assert "offline page not written" in caplog.text
