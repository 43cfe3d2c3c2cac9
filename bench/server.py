"""Start the site as production runs it, on loopback, for make bench and make lighthouse.

gunicorn with DEBUG off and the production settings, demo data loaded,
static files collected; PostgreSQL when DATABASE_URL is set, else SQLite in
the run's temporary folder. Requests are sent as our TLS proxy would pass
them on (X-Forwarded-Proto: https).
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
BENCH_SECRET = secrets.token_urlsafe(50)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered at {url} after {timeout} s")


def site_env(tmp, page_cache=True):
    """The environment of a production-like run whose files live in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="wellness_site.settings",
        DEBUG="false",
        SECRET_KEY=BENCH_SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://127.0.0.1",
        TRUST_X_FORWARDED_PROTO="true",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        INTAKE_RATE_LIMIT_PER_IP="1000000000",
        INTAKE_RATE_LIMIT_PER_PHONE="1000000000",
        LOG_LEVEL="WARNING",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


class Gunicorn:
    def __init__(self, env, port):
        self.port = port
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "wellness_site.wsgi",
                "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(WORKERS),
                "--access-logfile", "/dev/null",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(f"http://127.0.0.1:{port}/health/live/")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def prepare_site(env):
    """Migrate, load the demo data and collect static files."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo_data", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def deploy_site_conf(
    tmp, *, app_ports, http_port, https_port, server_names, admin="/admin/", plain_port=None
):
    """deploy/nginx-site.conf, changed only where a run on loopback must differ.

    TLS with a throwaway certificate made here; everything nginx reads or
    writes (snippets, logs, media, the page cache) under ``tmp``. With
    ``plain_port``, the site's server also answers plain HTTP there, passing
    requests on as if TLS had been ended in front of it (for wrk, which is
    then measured without the cost of TLS, like the static file it is set
    beside). Returns the text for ``http { }``.
    """
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    snippet = (ROOT / "deploy" / "nginx-proxy-snippet.conf").read_text()
    if plain_port:
        snippet = snippet.replace("X-Forwarded-Proto $scheme;", "X-Forwarded-Proto https;")
    (tmp / "nginx-proxy-snippet.conf").write_text(snippet)
    site = (ROOT / "deploy" / "nginx-site.conf").read_text()
    servers = "\n".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in app_ports
    )
    upstream = f"upstream wellness_app {{\n{servers}\n    keepalive 32;\n}}"
    site, found = re.subn(r"upstream wellness_app \{.*?\n\}", upstream, site, flags=re.S)
    site_listen = f"listen 127.0.0.1:{https_port} ssl http2;"
    if plain_port:
        site_listen += f"\n    listen 127.0.0.1:{plain_port};"
    changes = {
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen [::]:80 default_server;": "",
        "listen 443 ssl http2 default_server;": (
            f"listen 127.0.0.1:{https_port} ssl http2 default_server;"
        ),
        "listen [::]:443 ssl http2 default_server;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": site_listen,
        "listen [::]:443 ssl http2;": "",
        # The first name is the one the port-80 redirect names.
        "server_name www.example.org;": f"server_name {' '.join(server_names)};",
        "/etc/letsencrypt/live/www.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/www.example.org/privkey.pem": str(key),
        "/etc/letsencrypt/live/www.example.org/chain.pem": str(cert),
        "/etc/nginx/ffdhe2048.pem": str(ROOT / "deploy" / "ffdhe2048.pem"),
        "/etc/nginx/snippets/wellness-proxy.conf": str(tmp / "nginx-proxy-snippet.conf"),
        "/etc/nginx/snippets/wellness-headers.conf": str(
            ROOT / "deploy" / "nginx-security-headers.conf"
        ),
        "/var/log/nginx/wellness.access.log": str(tmp / "nginx-access.log"),
        "/srv/wellness/media/": str(tmp / "media") + "/",
        "/var/cache/nginx/wellness": str(tmp / "nginx-cache"),
        # The admin's path is the operator's choice (ADMIN_URL).
        '"~^/admin/"': f'"~^{admin}"',
    }
    for old, replacement in changes.items():
        if old not in site or not found:
            raise SystemExit(f"FAILED: deploy/nginx-site.conf no longer has {old!r}")
        site = site.replace(old, replacement)
    return site


def write_nginx_conf(tmp, http_body, workers="auto"):
    """The nginx.conf of a loopback run, everything it writes kept in ``tmp``."""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
{http_body}
}}
"""
    )
    return conf


def nginx_binary():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(tmp, http_body, workers="auto"):
    """nginx on loopback with everything it writes kept in ``tmp``; returns the process.

    ``http_body`` is what goes inside ``http { }``: the servers to run.
    """
    conf = write_nginx_conf(tmp, http_body, workers)
    subprocess.run([nginx_binary(), "-t", "-q", "-c", str(conf)], check=True)
    return subprocess.Popen([nginx_binary(), "-c", str(conf)])
