"""The benchmark: the site as production runs it, under load, beside nginx.

    make bench                       # SQLite, or PostgreSQL when DATABASE_URL is set
    BENCH_SECONDS=20 make bench      # longer runs

It starts gunicorn (DEBUG off, demo data, the production settings) and
nginx on loopback, drives each page with wrk for a fixed time at a fixed
number of connections, checks every response and the database, prints a
table and writes it to bench/RESULTS.md with the machine it ran on.

Throughput is compared as a ratio of nginx serving the very same bytes as a
static file: absolute figures depend on the machine, ratios much less.
"""

import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from invalidation import run as invalidation_run
from server import (
    BENCH,
    WORKERS,
    Gunicorn,
    deploy_site_conf,
    free_port,
    manage,
    prepare_site,
    site_env,
    start_nginx,
    wait_for,
)

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
# Call-back submissions sent in the POST scenario (a count, not a time).
FORMS = int(os.environ.get("BENCH_POSTS", "2000"))
# Forms prepared for wrk's timed run: more than it can send in BENCH_SECONDS.
WRK_FORMS = int(os.environ.get("BENCH_WRK_FORMS", "60000"))
ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"

# Targets from the performance issues; the table marks each figure against them.
TARGETS = {
    "cached_ratio": 0.25,
    "uncached_ratio": 0.10,
    "p99_ms": 50,
    "posts_per_second": 200,
    # The article from deploy's nginx micro-cache, against nginx serving it as a file.
    "edge_ratio": 0.50,
}
# Pages rendered with nothing cached, in requests a second on SQLite; on
# PostgreSQL within 20% of that.
UNCACHED_RPS = {"article": 1000, "home": 1200}
POSTGRES_ALLOWANCE = 0.8
# The page cache's hit rate when those targets were set (the Python server's
# floor: whitenoise serving the same bytes as a file was no faster). On a
# shared machine whose speed varies from run to run, each uncached figure is
# also given as a share of whitenoise's in the same run, beside the share the
# target was of that floor.
UNCACHED_TARGETS_FLOOR_RPS = 2470


class DeployNginx:
    """deploy/nginx-site.conf's nginx, micro-cache and all, in front of ``app_port``.

    Rendered for loopback as the system test renders it (bench/server.py),
    with a plain-HTTP port beside its TLS one, so that the figure is set
    beside the static file's without the cost of TLS.
    """

    def __init__(self, tmp, app_port, port):
        tmp.mkdir()
        tmp.chmod(0o755)
        site = deploy_site_conf(
            tmp, app_ports=[app_port], http_port=free_port(), https_port=free_port(),
            server_names=["127.0.0.1"], plain_port=port,
        )  # fmt: skip
        # What Debian's /etc/nginx/nginx.conf sets around the site file.
        self.process = start_nginx(tmp, "    sendfile on;\n    tcp_nopush on;\n" + site)
        wait_for(f"http://127.0.0.1:{port}/health/live/")

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)


def cache_status(url):
    """nginx's X-Cache-Status for one GET of ``url``."""
    with urllib.request.urlopen(url) as response:
        response.read()
        return response.headers.get("X-Cache-Status", "")


class Nginx:
    """nginx serving ``root`` as static files: the physical limit for the same bytes."""

    def __init__(self, tmp, root, port):
        self.process = start_nginx(
            tmp,
            f"""
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}""",
        )
        wait_for(f"http://127.0.0.1:{port}/article.html")

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)


def wrk(url, script, extra_env=None, seconds=SECONDS):
    env = {**os.environ, "BENCH_DIR": str(BENCH), **(extra_env or {})}
    result = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
            "-s", str(BENCH / script), url,
        ],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = [line for line in result.stdout.splitlines() if line.startswith("{")][-1]
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def post_load(host, port, lines, csrf):
    """Send every prepared form once, over CONNECTIONS keep-alive connections.

    A fixed number of requests, each waited for, rather than wrk's fixed
    time: wrk drops the requests in flight at its deadline, which the server
    may still save, and then "accepted" and "saved" could not be compared.
    """
    pending = list(reversed(lines))
    lock = threading.Lock()
    latencies, statuses = [], []
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{host}:{port}",
        "Cookie": f"__Host-csrftoken={csrf}",
    }

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            with lock:
                if not pending:
                    break
                token, phone = pending.pop().split()
            body = (
                f"csrfmiddlewaretoken={csrf}&form_token={token}&first_name=Bench&phone={phone}"
                "&who_for=myself&best_time=any&voicemail_ok=no&message=&source_path=&hp_z7q="
            )
            started = time.perf_counter()
            try:
                connection.request("POST", "/call-back/", body, headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(status)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    latencies.sort()
    good = sum(1 for status in statuses if status == 303)
    return {
        "requests": len(statuses),
        "rps": len(statuses) / duration,
        "good": good,
        "bad": len(statuses) - good,
        "socket_errors": 0,
        "p50_us": latencies[len(latencies) // 2] * 1e6,
        "p99_us": latencies[int(len(latencies) * 0.99)] * 1e6,
    }


def prepare_forms(env, path, count, first):
    """Valid, unique call-back forms: a signed token shown 30 s ago and a phone number."""
    code = (
        "import time; from urllib.parse import quote\n"
        "from intake.antispam import issue_form_token\n"
        "shown = time.time() - 30\n"
        f"with open({str(path)!r}, 'w') as out:\n"
        f"    for i in range({first}, {first + count}):\n"
        "        token = quote(issue_form_token('callback', now=shown), safe='')\n"
        "        out.write(f'{token} 614{200 + i // 10000}{i % 10000:04d}\\n')\n"
    )
    manage(env, "shell", "-c", code, capture=True)


def count_callbacks(env):
    code = "from intake.models import IntakeRequest; print(IntakeRequest.objects.count())"
    return int(manage(env, "shell", "-c", code, capture=True).stdout.split()[-1])


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.platform()}"


def main():
    for tool in ("wrk", "nginx"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    tmp = Path(tempfile.mkdtemp(prefix="wellness-bench-"))
    tmp.chmod(0o755)  # nginx's workers run as another user and read www/ from here
    env = site_env(tmp)
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postg") else "SQLite"
    print(f"Preparing ({database}, {WORKERS} gunicorn workers) in {tmp}", flush=True)
    prepare_site(env)
    wrk_forms, exact_forms = tmp / "wrk-forms.txt", tmp / "forms.txt"
    prepare_forms(env, wrk_forms, WRK_FORMS, 0)
    prepare_forms(env, exact_forms, FORMS, WRK_FORMS)

    # The article's exact bytes, for nginx and for whitenoise to serve as files.
    port = free_port()
    server = Gunicorn(env, port)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{ARTICLE}", headers={"X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request) as response:
        article_bytes = response.read()
    server.stop()
    www = tmp / "www"
    www.mkdir()
    (www / "article.html").write_bytes(article_bytes)
    (Path(env["STATIC_ROOT"]) / "bench-article.html").write_bytes(article_bytes)

    nginx_port, cached_port, uncached_port = free_port(), free_port(), free_port()
    edge_port = free_port()
    nginx = Nginx(tmp, www, nginx_port)
    cached = Gunicorn(env, cached_port)
    uncached = Gunicorn(site_env(tmp, page_cache=False), uncached_port)
    edge = DeployNginx(tmp / "edge", cached_port, edge_port)
    csrf = secrets.token_hex(16)  # Django accepts its own 32-character secret format
    site = f"http://127.0.0.1:{cached_port}"
    fresh = f"http://127.0.0.1:{uncached_port}"
    scenarios = [
        ("nginx: article as a static file", f"http://127.0.0.1:{nginx_port}/article.html", None),
        ("article through deploy's nginx cache", f"http://127.0.0.1:{edge_port}{ARTICLE}",
         "edge"),
        ("whitenoise: article as a static file", f"{site}/static/bench-article.html", None),
        ("article (page cache)", site + ARTICLE, "cached"),
        ("article (no page cache)", fresh + ARTICLE, "uncached"),
        ("home (page cache)", site + "/", "cached"),
        ("home (no page cache)", fresh + "/", "uncached"),
        ("topic (page cache)", site + "/topics/withdrawal/", "cached"),
        ("topic (no page cache)", fresh + "/topics/withdrawal/", "uncached"),
        ("program (no page cache)", fresh + "/programs/residential-treatment/", "uncached"),
        ("search (page cache)", site + "/search/?q=withdrawal", "cached"),
        ("search (no page cache)", fresh + "/search/?q=withdrawal", "uncached"),
        ("search, nothing cached, two-word query", fresh + "/search/?q=heroin+withdrawal",
         "uncached"),
        ("call-back form (GET)", site + "/call-back/", "form"),
        ("call-back submissions (POST)", site + "/call-back/", "post"),
        ("call-back submissions, fixed count (POST)", site + "/call-back/", "post-exact"),
    ]  # fmt: skip
    results = []
    try:
        for name, url, kind in scenarios:
            print(f"  {name} ...", flush=True)
            if kind == "edge":
                wrk(url, "get.lua", seconds=1)  # warm up: the first request fills the cache
                hit = cache_status(url)
                figures = wrk(url, "get.lua")
                figures["cache_status"] = hit
            elif kind == "post":
                before = count_callbacks(env)
                figures = wrk(
                    url,
                    "post.lua",
                    {
                        "BENCH_FORMS": str(wrk_forms),
                        "BENCH_THREADS": str(WRK_THREADS),
                        "BENCH_CSRF": csrf,
                        "BENCH_ORIGIN": "https://" + url.split("/")[2],
                    },
                )
                figures["saved"] = count_callbacks(env) - before
            elif kind == "post-exact":
                before = count_callbacks(env)
                lines = exact_forms.read_text().splitlines()
                figures = post_load("127.0.0.1", cached_port, lines, csrf)
                figures["saved"] = count_callbacks(env) - before
            else:
                wrk(url, "get.lua", seconds=1)  # warm up: each worker's first miss
                figures = wrk(url, "get.lua")
            results.append((name, kind, figures))
    finally:
        for process in (edge, cached, uncached, nginx):
            process.stop()

    table, problems = report(results, database)
    print(table)
    shutil.rmtree(tmp, ignore_errors=True)
    # Its own site, gunicorn and Redis: an approval must reach every worker.
    print("Approving an article every second under load ...", flush=True)
    _, invalidation_problems, invalidation_table = invalidation_run(SECONDS, CONNECTIONS)
    print(invalidation_table)
    problems += invalidation_problems
    write_results(table, problems, database, invalidation_table)
    if problems:
        print("\n".join(problems))
        raise SystemExit(1)


def report(results, database="SQLite"):
    nginx_rps = results[0][2]["rps"]
    allowance = 1 if database == "SQLite" else POSTGRES_ALLOWANCE
    rows = [
        "| scenario | req/s | p50 ms | p99 ms | errors | vs nginx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    problems, notes = [], []
    static_rps = next(f["rps"] for name, _kind, f in results if name.startswith("whitenoise"))
    for name, kind, f in results:
        errors = f["bad"] + f["socket_errors"]
        ratio = f["rps"] / nginx_rps
        rows.append(
            f"| {name} | {f['rps']:,.0f} | {f['p50_us'] / 1000:.1f} | {f['p99_us'] / 1000:.1f} "
            f"| {errors} | {ratio:.1%} |"
        )
        if errors:
            problems.append(f"{name}: {errors} responses were errors")
        if kind and kind != "post-exact" and f["p99_us"] / 1000 > TARGETS["p99_ms"]:
            problems.append(f"{name}: p99 {f['p99_us'] / 1000:.1f} ms is over 50 ms")
        if kind == "cached" and name.startswith("article") and ratio < TARGETS["cached_ratio"]:
            problems.append(f"{name}: {ratio:.1%} of nginx, target 25%")
        if kind == "uncached" and name.startswith("article") and ratio < TARGETS["uncached_ratio"]:
            problems.append(f"{name}: {ratio:.1%} of nginx, target 10%")
        page = name.split(" ", 1)[0]
        if kind == "uncached" and page in UNCACHED_RPS:
            target = UNCACHED_RPS[page] * allowance
            mark = "met" if f["rps"] >= target else "MISSED"
            notes.append(
                f"{name}: {f['rps']:,.0f} req/s, target {target:,.0f} ({mark}); "
                f"{f['rps'] / static_rps:.0%} of whitenoise serving a file in this run "
                f"(the target was {target / UNCACHED_TARGETS_FLOOR_RPS:.0%} of it when set)."
            )
            if f["rps"] < target:
                problems.append(f"{name}: {f['rps']:,.0f} req/s, target {target:,.0f}")
        if kind == "edge":
            target = TARGETS["edge_ratio"]
            mark = "met" if ratio >= target else "MISSED"
            notes.append(
                f"{name}: {ratio:.0%} of nginx serving the same article as a file, target "
                f"{target:.0%} ({mark}); a request after the warm-up was a {f['cache_status']}."
            )
            if ratio < target:
                problems.append(f"{name}: {ratio:.1%} of nginx, target {target:.0%}")
            if f["cache_status"] != "HIT":
                problems.append(f"{name}: nginx answered {f['cache_status']!r}, not a HIT")
        if kind == "post":
            if f["exhausted"]:
                problems.append(f"{name}: ran out of prepared forms; raise BENCH_WRK_FORMS")
            if f["rps"] < TARGETS["posts_per_second"]:
                problems.append(f"{name}: {f['rps']:.0f}/s, target 200/s")
            # wrk stops at its deadline with up to one request per connection
            # in flight; the server may save those, and wrk never sees the answer.
            if not 0 <= f["saved"] - f["good"] <= CONNECTIONS:
                problems.append(f"{name}: {f['good']} accepted but {f['saved']} saved")
            notes.append(
                f"Timed run: {f['good']:,} submissions accepted (303), {f['saved']:,} new rows "
                f"(the difference is what was in flight when wrk stopped, at most {CONNECTIONS})."
            )
        if kind == "post-exact":
            if f["saved"] != f["good"] or f["good"] != FORMS:
                problems.append(f"{name}: {FORMS} sent, {f['good']} accepted, {f['saved']} saved")
            notes.append(
                f"Fixed count: {FORMS:,} unique forms sent, each answer awaited: "
                f"{f['good']:,} accepted, {f['saved']:,} new rows."
            )
    rows += ["", *(f"- {note}" for note in notes)]
    return "\n".join(rows), problems


def write_results(table, problems, database, invalidation_table):
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    verdict = (
        "All targets met."
        if not problems
        else "Missed:\n\n" + "\n".join(f"- {p}" for p in problems)
    )
    (BENCH / "RESULTS.md").write_text(
        f"""# Benchmark results

Run by `make bench` on {when}.

- Machine: {machine()}
- Python {platform.python_version()}, {database}, gunicorn with {WORKERS} sync workers,
  wrk with {WRK_THREADS} threads and {CONNECTIONS} connections for {SECONDS} s a scenario
  (after 1 s of warm-up; submissions are unique, valid forms). Then {FORMS:,}
  more forms, a fixed count, from {CONNECTIONS} Python threads, to check that
  accepted equals saved exactly (that client's own speed limits its figures).
  Everything on loopback on the same machine.

{table}

## An approval every second under load

The page cache on, in Redis, while one article is approved through the
workflow each second (bench/invalidation.py): only the pages that show the
approved article are remade, so an unrelated article stays a cache hit.

{invalidation_table}

{verdict}
{kept_profile()}"""
    )


def kept_profile():
    """The profile section bench/profile.py's figures were written into: kept across runs."""
    current = (BENCH / "RESULTS.md").read_text() if (BENCH / "RESULTS.md").exists() else ""
    start = current.find("\n## Profile")
    return current[start:] if start >= 0 else ""


if __name__ == "__main__":
    main()
