"""Pages under load while an article is approved every second.

    .venv/bin/python bench/invalidation.py    # SQLite, or PostgreSQL if DATABASE_URL is set
    BENCH_SECONDS=20 .venv/bin/python bench/invalidation.py

The site runs as bench/server.py starts it (gunicorn, DEBUG off, the page
cache on), with its cache in a Redis of its own, as production runs it: an
approval made in one process must reach every worker. While wrk loads three
pages (an article unrelated to the one approved, the approved article, and
home), each alone and then all three at once, another process edits the
approved article's summary and approves it through ``content.services``
once a second, so every approval takes the real signal path. The table
gives req/s, p50 and p99 for each page, the number of approvals made, and
checks that the last one shows. With all three at once, gunicorn's workers
serve the three in turn, so their figures come out alike: there the total
and p99 are what to compare.

First it times the cached path alone: the same cached page requested again
and again through Django's test client, in one process, with the default
per-process cache (no network), as ``make bench`` serves cached pages; the
best of several batches, so that other work on the machine counts least.

bench/run.py can call ``run()``, which returns the figures and a table.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from server import BENCH, ROOT, WORKERS, Gunicorn, free_port, manage, prepare_site, site_env

PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "30"))
# Batches, and requests a batch, of the test-client loop of the cached path.
HIT_BATCHES = int(os.environ.get("BENCH_HIT_BATCHES", "20"))
HIT_LOOPS = int(os.environ.get("BENCH_HIT_LOOPS", "200"))
APPROVED = "heroin-withdrawal-symptoms-and-timeline"

# Run in the site's own environment (manage.py shell): the article unrelated
# to APPROVED, one that does not show it as related.
FIND_UNRELATED = f"""
from content.models import ArticleVersion
approved = ArticleVersion.objects.live().get(slug={APPROVED!r}).article_id
print(
    ArticleVersion.objects.live()
    .exclude(article=approved)
    .exclude(article__related=approved)
    .order_by("slug")
    .values_list("slug", flat=True)
    .first()
)
"""

# Once a second until told to stop: edit the summary, approve it.
APPROVER = f"""
import sys, time
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from content.models import Article, Person, content_hash
from content.services import article_approve, article_working_copy_saved

reviewer = (
    Person.objects.filter(role=Person.Role.REVIEWER, licence_expires__gte=timezone.localdate())
    .order_by("pk")
    .first()
)
user = reviewer.user or get_user_model().objects.create_user("bench-reviewer", is_staff=True)
reviewer.user = user
reviewer.save()
user.user_permissions.add(Permission.objects.get(codename="approve_article"))
user = get_user_model().objects.get(pk=user.pk)
summary = Article.objects.get(slug={APPROVED!r}).summary
print("ready", flush=True)
number = 0
while sys.stdin.readline().strip() == "go":
    number += 1
    article = Article.objects.get(slug={APPROVED!r})
    article.summary = f"{{summary}} Revision {{number}}."
    article.save()
    article_working_copy_saved(article=article)
    article_approve(
        article=article,
        user=user,
        content_hash=content_hash(article.reviewable_content()),
        change_note=f"Revision {{number}}.",
        take_over=True,
        approve_anyway=True,
    )
    print(f"Revision {{number}}.", flush=True)
"""

# The cached path alone: the test client, one process, the per-process cache.
# The best of BATCHES timed batches: on a shared machine the others are slowed
# by whatever else runs, the best is what the code itself costs.
HIT_LOOP = """
import json, time
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
figures = {}
for url in URLS:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    best = None
    for _ in range(BATCHES):
        started = time.perf_counter()
        for _ in range(LOOPS):
            client.get(url)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    figures[url] = LOOPS / best
print(json.dumps(figures))
"""


class Redis:
    def __init__(self, tmp):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(tmp),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"redis://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Approver:
    """A process that approves a change to APPROVED each time it is told to."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", APPROVER],
            cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        for line in self.process.stdout:  # after what the shell itself prints
            if line.strip() == "ready":
                break
        else:
            raise SystemExit("the approver did not start")
        self.approved = []
        self.seconds = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._every_second)

    def _every_second(self):
        while not self._stop.is_set():
            started = time.monotonic()
            self.process.stdin.write("go\n")
            self.process.stdin.flush()
            self.approved.append(self.process.stdout.readline().strip())
            self.seconds.append(time.monotonic() - started)
            self._stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.process.stdin.close()
        self.process.wait(timeout=30)


def wrk(url, connections, seconds):
    """wrk on one URL (bench/get.lua counts the answers); returns its JSON figures."""
    return subprocess.Popen(
        [
            shutil.which("wrk") or "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
            "--latency", "-s", str(BENCH / "get.lua"), url,
        ],
        env={**os.environ, "BENCH_DIR": str(BENCH)}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def _figures(process):
    out, _ = process.communicate()
    figures = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def _get(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def hit_path(env, urls):
    """Requests a second for each of ``urls`` served from the cache, by the test client."""
    code = HIT_LOOP.replace("URLS", repr(urls)).replace("LOOPS", str(HIT_LOOPS))
    code = code.replace("BATCHES", str(HIT_BATCHES))
    return json.loads(manage(env, "shell", "-c", code, capture=True).stdout.splitlines()[-1])


def _load(site, pages, seconds, connections):
    """wrk on each page alone, then on all at once; ``[(page, load, figures)]``."""
    results = []
    for name, path in pages:
        results.append((name, "alone", _figures(wrk(site + path, connections, seconds))))
    each = max(1, connections // len(pages))
    together = [wrk(site + path, each, seconds) for _, path in pages]
    for (name, _), load in zip(pages, together, strict=True):
        results.append((name, "all three at once", _figures(load)))
    return results


def run(seconds=SECONDS, connections=CONNECTIONS, tmp=None):
    """Prepare a site in ``tmp`` (a new folder when None), measure, clean up.

    Returns ``(results, problems, table)``: ``(page, load, figures)`` with
    wrk's figures (rps, p50_us, p99_us, bad, socket_errors), the problems
    found (errors, an approval that does not show), and a Markdown table.
    """
    own_tmp = tmp is None
    tmp = Path(tempfile.mkdtemp(prefix="wellness-inval-")) if own_tmp else tmp
    env = site_env(tmp)
    prepare_site(env)
    unrelated = manage(env, "shell", "-c", FIND_UNRELATED, capture=True).stdout.split()[-1]
    pages = [
        ("unrelated article", f"/articles/{unrelated}/"),
        ("approved article", f"/articles/{APPROVED}/"),
        ("home", "/"),
    ]
    hits = hit_path(env, [path for _, path in pages])

    redis = Redis(tmp)
    env = {**env, "REDIS_URL": redis.url + "/0", "RATELIMIT_REDIS_URL": redis.url + "/1"}
    server = approver = None
    try:
        approver = Approver(env)
        port = free_port()
        server = Gunicorn(env, port)
        site = f"http://127.0.0.1:{port}"
        for _, path in pages:
            _get(site + path)  # each worker's first miss is not the point
        approver.start()
        results = _load(site, pages, seconds, connections)
        approver.stop()
        shown = approver.approved[-1] in _get(site + pages[1][1])
    finally:
        for process in (approver, server, redis):
            if process is not None:
                process.stop()
    if own_tmp:
        shutil.rmtree(tmp, ignore_errors=True)

    problems = []
    rows = [
        "| page | wrk on | req/s | p50 ms | p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, load, f in results:
        errors = f["bad"] + f["socket_errors"]
        rows.append(
            f"| {name} | {load} | {f['rps']:,.0f} | {f['p50_us'] / 1000:.1f} "
            f"| {f['p99_us'] / 1000:.1f} | {errors} |"
        )
        if errors:
            problems.append(f"{name} ({load}): {errors} responses were errors")
    if not shown:
        problems.append(f"the approved article does not show {approver.approved[-1]!r}")
    approval = sum(approver.seconds) / len(approver.seconds)
    hit_figures = ", ".join(f"{name} {hits[path]:,.0f}" for name, path in pages)
    rows += [
        "",
        f"- {len(approver.approved)} approvals, one a second (each took {approval * 1000:.0f} ms "
        f"on average); the last one {'shows' if shown else 'does NOT show'} on its page.",
        f"- gunicorn with {WORKERS} workers, cache in Redis; wrk with {connections} "
        f"connections, split between the pages when all three are loaded at once.",
        "- The cached path alone (test client, one process, per-process cache), requests "
        f"a second, best of {HIT_BATCHES} batches of {HIT_LOOPS}: {hit_figures}.",
    ]
    return results, problems, "\n".join(rows)


def main():
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postg") else "SQLite"
    print(f"Approving an article every second under load ({database}) ...", flush=True)
    _, problems, table = run()
    print(table)
    if problems:
        print("\n".join(problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
