"""Start the site as production runs it, on loopback, for make bench and make lighthouse.

gunicorn with DEBUG off and the production settings, demo data loaded,
static files collected; PostgreSQL when DATABASE_URL is set, else SQLite in
the run's temporary folder. Requests are sent as our TLS proxy would pass
them on (X-Forwarded-Proto: https).
"""

import os
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


def start_nginx(tmp, http_body, workers="auto"):
    """nginx on loopback with everything it writes kept in ``tmp``; returns the process.

    ``http_body`` is what goes inside ``http { }``: the servers to run.
    """
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
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-t", "-q", "-c", str(conf)], check=True)
    return subprocess.Popen([nginx, "-c", str(conf)])
