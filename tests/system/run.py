"""The system test: two app servers behind nginx on PostgreSQL and Redis, under faults.

    make system-test

Everything runs on loopback, in a temporary folder: a PostgreSQL cluster of
its own, Redis, two gunicorn app servers with the production settings and
gunicorn.conf.py, and nginx balancing between them with the proxy settings
from deploy/. Each check prints a line; any failure stops the run with exit
status 1. Every load loop is bounded in count and in time.
"""

import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from server import site_env, start_nginx  # noqa: E402  (bench/server.py: shared with make bench)

PYTHON = sys.executable
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ADMIN = "/office/"
CONCURRENCY = 32
MAIN_PHONE = "tel:+16145550142"  # the demo center's number, on every error page
DRAFT_TITLE = "Paying for treatment: insurance and other options"
PASSWORD = "system test password 2026"
CSRF = secrets.token_hex(16)  # Django accepts its own 32-character secret form


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"  ok: {message}", flush=True)


def wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"FAILED: {what} (waited {seconds} s)")


# --- HTTP -------------------------------------------------------------------


TLS_PORTS = set()  # nginx terminates TLS (a self-signed certificate made here)


def request(port, method, path, body=None, headers=None, timeout=15):
    """One request on a new connection: (status, headers, text). Status 0: no answer.

    Straight to an app server, the request carries X-Forwarded-Proto as nginx
    would set it; to nginx, it goes over TLS.
    """
    headers = dict(headers or {})
    if port in TLS_PORTS:
        context = ssl._create_unverified_context()  # noqa: S323 (our own throwaway certificate)
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=context
        )
    else:
        headers.setdefault("X-Forwarded-Proto", "https")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    if method == "POST":
        headers.setdefault("Origin", ORIGIN)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    except OSError:
        return 0, [], ""
    finally:
        connection.close()


def cookies_from(headers):
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key] = rest.split(";", 1)[0]
    return found


def cookie_header(cookies):
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def totp(key_hex, at=None):
    """The current 6-digit code for a TOTP key (RFC 6238, 30 s steps, SHA-1)."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# --- The processes --------------------------------------------------------------


class Services:
    def __init__(self, tmp):
        self.tmp = tmp
        self.pg_port, self.redis_port, self.nginx_port = free_port(), free_port(), NGINX_PORT
        self.app_ports = [free_port(), free_port()]
        self.apps = [None, None]
        self.redis = self.nginx = None
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    # PostgreSQL: a cluster of its own, so the test can stop and start it.
    def start_postgres(self, first=False):
        data = self.tmp / "pg"
        if first:
            data.mkdir()
            if self.as_postgres:
                shutil.chown(data, "postgres")
            subprocess.run(
                [*self.as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust",
                 "-U", "postgres", "--no-sync"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        options = f"-p {self.pg_port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options,
             "-l", str(data / "server.log"), "-w", "start"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop_postgres(self):
        subprocess.run(
            [*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.tmp / "pg"),
             "-m", "fast", "-w", "stop"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def start_redis(self):
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: _listening(self.redis_port), 10, "Redis started")

    def stop_redis(self):
        self.redis.terminate()
        self.redis.wait(timeout=10)

    def env(self):
        """The benchmark's production-like environment, on this run's services."""
        return {
            **site_env(self.tmp),
            "CSRF_TRUSTED_ORIGINS": ORIGIN,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/wellness",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "TRUSTED_PROXY_COUNT": "1",
            "ADMIN_URL": ADMIN.strip("/"),
            "INTAKE_RATE_LIMIT_PER_PHONE": "3",
            "WEB_CONCURRENCY": "3",
        }

    def manage(self, *args, capture=False):
        return subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), check=True,
            capture_output=capture, text=True,
        )  # fmt: skip

    def start_app(self, index):
        port = self.app_ports[index]
        log = open(self.tmp / f"app{index}.log", "a")  # noqa: SIM115 (kept open while it runs)
        self.apps[index] = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "wellness_site.wsgi"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=log,
        )  # fmt: skip
        wait_until(lambda: request(port, "GET", "/health/live/")[0] == 200, 30, "app started")

    def start_nginx(self):
        """nginx with deploy/'s site file, changed only where a test machine must differ."""
        cert, key = self.tmp / "cert.pem", self.tmp / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        site = (ROOT / "deploy" / "nginx-site.conf").read_text()
        servers = "\n".join(
            f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in self.app_ports
        )
        upstream = f"upstream wellness_app {{\n{servers}\n    keepalive 32;\n}}"
        site, found = re.subn(r"upstream wellness_app \{.*?\n\}", upstream, site, flags=re.S)
        changes = {
            "listen 80;": f"listen 127.0.0.1:{free_port()};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.nginx_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server_name www.example.org;": "server_name 127.0.0.1;",
            "/etc/letsencrypt/live/www.example.org/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/www.example.org/privkey.pem": str(key),
            "/etc/nginx/snippets/wellness-proxy.conf": str(
                ROOT / "deploy" / "nginx-proxy-snippet.conf"
            ),
            "/var/log/nginx/wellness.access.log": str(self.tmp / "nginx-access.log"),
            "/srv/wellness/media/": str(self.tmp / "media") + "/",
            # All the test's posts come from one address; the real limit would stop them.
            "rate=10r/m": "rate=100000r/s",
            "burst=5 nodelay": "burst=100000 nodelay",
        }
        for old, replacement in changes.items():
            if old not in site or not found:
                raise SystemExit(f"FAILED: deploy/nginx-site.conf no longer has {old!r}")
            site = site.replace(old, replacement)
        self.nginx = start_nginx(self.tmp, site, workers=1)
        TLS_PORTS.add(self.nginx_port)
        wait_until(lambda: _listening(self.nginx_port), 10, "nginx started")

    def stop_all(self):
        for app in self.apps:
            if app and app.poll() is None:
                app.terminate()
                app.wait(timeout=40)
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            self.nginx.wait(timeout=10)
        if self.redis and self.redis.poll() is None:
            self.stop_redis()
        if (self.tmp / "pg" / "postmaster.pid").exists():
            self.stop_postgres()


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


NGINX_PORT = free_port()
ORIGIN = f"https://127.0.0.1:{NGINX_PORT}"

# --- Data -------------------------------------------------------------------------

SETUP = """
import time
from datetime import date, timedelta
from urllib.parse import quote
from django.contrib.auth.models import User
from content.models import Person
from django_otp.plugins.otp_totp.models import TOTPDevice
from intake.antispam import issue_form_token
keys = {}
for name in ("sysadmin", "lockme"):
    user = User.objects.create_superuser(name, password=PASSWORD)
    keys[name] = TOTPDevice.objects.create(user=user, name="phone", confirmed=True).key
reviewer = Person.objects.get(pk=4)
reviewer.user = User.objects.get(username="sysadmin")
reviewer.licence_expires = date.today() + timedelta(days=365)
reviewer.save()
shown = time.time() - 30
with open(FORMS, "w") as out:
    for i in range(COUNT):
        token = quote(issue_form_token("callback", now=shown), safe="")
        out.write(token + " 614" + str(200 + i // 10000) + format(i % 10000, "04d") + "\\n")
print("KEYS", json.dumps(keys))
"""


class Forms:
    """Prepared call-back forms, each used once."""

    def __init__(self, path):
        self.lines = path.read_text().split()
        self.lines = list(zip(self.lines[::2], self.lines[1::2], strict=True))
        self.lock = threading.Lock()

    def take(self, count):
        with self.lock:
            taken, self.lines = self.lines[:count], self.lines[count:]
        if len(taken) < count:
            raise SystemExit("FAILED: ran out of prepared forms")
        return taken


def post_callback(port, form, phone=None):
    token, form_phone = form
    body = (
        f"csrfmiddlewaretoken={CSRF}&form_token={token}&first_name=System"
        f"&phone={phone or form_phone}&who_for=myself&best_time=any&voicemail_ok=no&website="
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"__Host-csrftoken={CSRF}",
    }
    status, _, text = request(port, "POST", "/call-back/", body, headers)
    return status, text


def saved_tokens(services):
    """The form tokens of every saved request (the UUID inside each signed token)."""
    code = (
        "from intake.models import IntakeRequest\n"
        "tokens = IntakeRequest.objects.values_list('form_token', flat=True)\n"
        "print('\\n'.join(str(t) for t in tokens))"
    )
    out = services.manage("shell", "-c", code, capture=True).stdout
    return {
        line.strip() for line in out.splitlines() if re.fullmatch(r"[0-9a-f-]{36}", line.strip())
    }


def token_uuid(form):
    return unquote(form[0]).split(":")[1]  # "callback:<uuid>:<time>:<signature>"


def load(port, forms, concurrency=CONCURRENCY, pause=None):
    """Post every form once, ``concurrency`` at a time; returns [(form, status, text)]."""
    results = []
    lock = threading.Lock()

    def one(form):
        status, text = post_callback(port, form)
        with lock:
            results.append((form, status, text))
        if pause:
            time.sleep(pause)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, forms))
    return results


# --- The checks ------------------------------------------------------------------


def admin_session(port, username, key, forwarded_for):
    """Log in through the admin form; returns (status, cookies, text)."""
    headers = {"X-Forwarded-For": forwarded_for}
    status, response_headers, text = request(port, "GET", f"{ADMIN}login/", headers=headers)
    cookies = cookies_from(response_headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    code = totp(key) if key else "000000"
    body = urlencode(
        {"csrfmiddlewaretoken": token, "username": username,
         "password": PASSWORD if key else "wrong", "otp_token": code, "next": ADMIN}
    )  # fmt: skip
    status, response_headers, text = request(
        port, "POST", f"{ADMIN}login/", body,
        {**headers, "Content-Type": "application/x-www-form-urlencoded",
         "Cookie": cookie_header(cookies)},
    )  # fmt: skip
    cookies.update(cookies_from(response_headers))
    return status, cookies, text


def check_rate_limit_is_shared(services, forms):
    a, b = services.app_ports
    phone = "6145550100"
    statuses = [post_callback(a, form, phone)[0] for form in forms.take(3)]
    check(statuses == [303, 303, 303], "three call-backs for one phone accepted by app server A")
    status, _ = post_callback(b, forms.take(1)[0], phone)
    check(status == 303, f"the fourth, sent to app server B, gets the same answer ({status})")
    code = (
        "from intake.models import IntakeRequest\n"
        "print(IntakeRequest.objects.filter(over_phone_limit=True).count())"
    )
    marked = services.manage("shell", "-c", code, capture=True).stdout.split()[-1]
    check(marked == "1", f"and B keeps it marked as a repeat, as A counted ({marked})")


def check_lockout_is_shared(services, keys):
    a, b = services.app_ports
    for _ in range(5):
        admin_session(a, "lockme", None, "198.51.100.7")
    status, _, text = admin_session(b, "lockme", keys["lockme"], "198.51.100.8")
    check(
        status == 429 and "Sign-in paused" in text,
        f"five failures on A lock the name on B, even with the right password and code ({status})",
    )


def check_approval_shows_everywhere(services, keys):
    a, b = services.app_ports
    status, cookies, _ = admin_session(a, "sysadmin", keys["sysadmin"], "198.51.100.20")
    check(status == 302 and "__Host-sessionid" in cookies, "a reviewer signs in on A with a code")
    for _ in range(2):
        status, _, listing = request(b, "GET", "/articles/")
    check(
        status == 200 and DRAFT_TITLE not in listing, "B serves the article list without the draft"
    )

    code = "from content.models import Article; print(Article.objects.get(status='draft').pk)"
    pk = services.manage("shell", "-c", code, capture=True).stdout.split()[-1]
    headers = {"Cookie": cookie_header(cookies), "X-Forwarded-For": "198.51.100.20"}
    # The review page: the approval is bound to the fingerprint of what it shows.
    review_url = f"{ADMIN}content/article/{pk}/review/"
    _, _, page = request(a, "GET", review_url, headers=headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page).group(1)
    body = urlencode(
        {"csrfmiddlewaretoken": token, "action": "approve", "content_hash": seen,
         "change_note": "System test approval.", "review_interval_months": "12"}
    )  # fmt: skip
    status, response_headers, text = request(
        a, "POST", review_url, body,
        {**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    location = dict(response_headers).get("Location", "")
    check(
        status == 302 and location.endswith(f"/content/article/{pk}/change/"),
        f"the draft is approved through A's review page ({status} {location or text[:200]})",
    )
    status, _, listing = request(b, "GET", "/articles/")
    check(DRAFT_TITLE in listing, "B's cached article list shows it at once")


def check_many_submissions(services, forms):
    before = saved_tokens(services)
    batch = forms.take(500)
    results = load(services.nginx_port, batch)
    statuses = [status for _, status, _ in results]
    check(
        all(status == 303 for status in statuses),
        f"500 call-backs through nginx, all accepted {sorted(set(statuses))}",
    )
    after = saved_tokens(services)
    new = after - before
    check(len(new) == 500, f"exactly 500 new rows ({len(new)})")
    check({token_uuid(f) for f in batch} == new, "each of them, once")
    per_server = _requests_per_app(services)
    check(all(count > 0 for count in per_server), f"both app servers took requests {per_server}")


def _requests_per_app(services):
    counts = []
    for index in range(2):
        text = (services.tmp / f"app{index}.log").read_text(errors="replace")
        counts.append(text.count('"path": "/call-back/"'))
    return counts


def check_graceful_stop(services, forms):
    before = saved_tokens(services)
    batch = forms.take(600)
    results = []
    loader = threading.Thread(
        target=lambda: results.extend(load(services.nginx_port, batch, pause=0.01))
    )
    loader.start()
    time.sleep(1.5)
    app = services.apps[0]
    app.send_signal(signal.SIGTERM)
    stopped_at = time.monotonic()
    code = app.wait(timeout=45)
    loader.join(timeout=120)
    check(not loader.is_alive(), "the load finished")
    check(code == 0, f"app server A stopped cleanly on SIGTERM (exit {code})")
    accepted = {token_uuid(form) for form, status, _ in results if status == 303}
    after = saved_tokens(services)
    check(accepted <= after - before, f"all {len(accepted)} accepted submissions are saved")
    others = sorted({status for _, status, _ in results} - {303})
    check(not any(s >= 500 and s != 503 for s in others), f"no server errors ({others or 'none'})")
    check(len(accepted) > 300, "app server B kept serving")
    print(f"    (A took {time.monotonic() - stopped_at:.1f} s to finish and stop)")
    services.start_app(0)


def check_database_outage(services, forms):
    a, b = services.app_ports
    before = saved_tokens(services)
    results = []
    gets = []
    stop = threading.Event()

    def browse():
        n = 0
        while not stop.is_set() and n < 2000:
            n += 1
            # A search nobody made before: never in the page cache, so it needs the database.
            gets.append(request(services.nginx_port, "GET", f"/search/?q=detox{n}"))
            time.sleep(0.02)

    browser = threading.Thread(target=browse)
    loader = threading.Thread(
        target=lambda: results.extend(
            load(services.nginx_port, forms.take(400), concurrency=8, pause=0.05)
        )
    )
    browser.start()
    loader.start()
    time.sleep(2)
    services.stop_postgres()
    down_at = time.monotonic()
    time.sleep(1)
    ready = [request(port, "GET", "/health/ready/")[0] for port in (a, b)]
    check(ready == [503, 503], f"readiness is 503 on both app servers while it is down ({ready})")
    time.sleep(max(0, 10 - (time.monotonic() - down_at)))
    services.start_postgres()
    wait_until(
        lambda: [request(port, "GET", "/health/ready/")[0] for port in (a, b)] == [200, 200],
        30,
        "both app servers ready again without a restart",
    )
    print("  ok: both app servers ready again without a restart")
    loader.join(timeout=180)
    stop.set()
    browser.join(timeout=30)

    statuses = [status for _, status, _ in results] + [status for status, _, _ in gets]
    unavailable = [text for _, status, text in results if status == 503]
    unavailable += [text for status, _, text in gets if status == 503]
    check(unavailable, f"requests during the outage got the 503 page ({len(unavailable)})")
    check(
        all(MAIN_PHONE in text and "Traceback" not in text for text in unavailable),
        "every 503 page has the phone number and no traceback",
    )
    check(
        set(statuses) <= {200, 303, 503},
        f"no other answers ({sorted(set(statuses))})",
    )
    accepted = {token_uuid(form) for form, status, _ in results if status == 303}
    check(accepted <= saved_tokens(services) - before, f"all {len(accepted)} accepted are saved")
    for port in (a, b):
        status, _, _ = request(port, "GET", "/search/?q=after-the-outage")
        check(status == 200, f"app server on {port} serves database pages again")


def check_redis_outage(services, forms):
    services.stop_redis()
    for path in ("/", "/articles/heroin-withdrawal-symptoms-and-timeline/", "/call-back/"):
        status, _, _ = request(services.nginx_port, "GET", path)
        check(status == 200, f"with Redis stopped, {path} is served")
    before = saved_tokens(services)
    form = forms.take(1)[0]
    status, _ = post_callback(services.nginx_port, form)
    check(status == 303, "a call-back is accepted with Redis stopped")
    check(token_uuid(form) in saved_tokens(services) - before, "and saved")
    logs = "".join((services.tmp / f"app{i}.log").read_text(errors="replace") for i in (0, 1))
    check("cache unavailable" in logs, "the cache failure is logged")


def main():
    for tool in ("redis-server", "nginx"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    if not (PG_BIN / "pg_ctl").exists():
        raise SystemExit(
            f"PostgreSQL binaries not found in {PG_BIN}: apt-get install -y postgresql"
        )
    tmp = Path(tempfile.mkdtemp(prefix="wellness-system-"))
    tmp.chmod(0o755)  # PostgreSQL and nginx workers run as other users
    services = Services(tmp)
    started = time.monotonic()
    try:
        print("== Starting PostgreSQL, Redis, two app servers and nginx (loopback only)")
        services.start_postgres(first=True)
        subprocess.run(
            [*services.as_postgres, str(PG_BIN / "createdb"), "-h", "127.0.0.1",
             "-p", str(services.pg_port), "-U", "postgres", "wellness"],
            check=True,
        )  # fmt: skip
        services.start_redis()
        services.manage("migrate", "--noinput", "-v", "0")
        services.manage("load_demo_data", "-v", "0")
        services.manage("collectstatic", "--noinput", "-v", "0")
        forms_path = tmp / "forms.txt"
        setup = SETUP.replace("PASSWORD", repr(PASSWORD)).replace("FORMS", repr(str(forms_path)))
        out = services.manage(
            "shell", "-c", "import json\n" + setup.replace("COUNT", "2000"), capture=True
        ).stdout
        keys = json.loads(out.split("KEYS", 1)[1])
        forms = Forms(forms_path)
        services.start_app(0)
        services.start_app(1)
        services.start_nginx()

        print("== Shared state across app servers")
        check_rate_limit_is_shared(services, forms)
        check_lockout_is_shared(services, keys)
        check_approval_shows_everywhere(services, keys)
        print("== 500 call-backs over both app servers")
        check_many_submissions(services, forms)
        print("== SIGTERM to one app server under load")
        check_graceful_stop(services, forms)
        print("== PostgreSQL stopped for 10 seconds under load")
        check_database_outage(services, forms)
        print("== Redis stopped")
        check_redis_outage(services, forms)
    finally:
        services.stop_all()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"== System test passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
