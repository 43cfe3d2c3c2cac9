"""Where an uncached page's CPU goes: a profile in the benchmark's own setup.

Sets the site up as bench/server.py does (production settings, DEBUG off,
demo data, static files collected, the page cache off), then renders the
article, home, a topic, a program and a search page in this process with the test
client and prints, per page: CPU ms per request (and wall ms, which adds
the wait for PostgreSQL), queries per request,
Python function calls per request, and the top functions by cumulative and
by own time.

    .venv/bin/python bench/profile.py [--requests N] [--top N] [--page NAME]

DATABASE_URL selects PostgreSQL, as for make bench.
"""

import sys
from pathlib import Path

# This file is named like the standard library's profile module, which
# cProfile imports: take its own folder off the path first.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(BENCH.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench.server import manage, prepare_site, site_env  # noqa: E402

PAGES = {
    "article": "/articles/heroin-withdrawal-symptoms-and-timeline/",
    "home": "/",
    "topic": None,  # the first topic, found once the site is set up
    "program": None,  # the first published program
    "search": "/search/?q=heroin+withdrawal",  # the two-word query make bench measures
}


def _resolve_pages():
    from center.models import Program
    from content.models import Topic

    pages = dict(PAGES)
    pages["topic"] = Topic.objects.order_by(*Topic._meta.ordering).first().get_absolute_url()
    pages["program"] = Program.objects.published().first().get_absolute_url()
    return pages


def _where(func):
    filename, line, name = func
    # Paths shown from the project's root or the library folder, not the machine's.
    for marker in ("site-packages/", f"{BENCH.parent}/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({name})" if line else name


def _top(profile, requests, key, count):
    """The top functions by ``key`` ("cum" or "own"), in ms per request.

    Frames that wrap nearly the whole request (the test client, the
    middleware chain) say nothing about where the time goes: left out.
    """
    stats = pstats.Stats(profile).stats
    total = max(cum for _cc, _nc, _own, cum, _callers in stats.values())
    rows = [
        (cum, own, calls, func)
        for func, (_cc, calls, own, cum, _callers) in stats.items()
        if key == "own" or cum < 0.8 * total
    ]
    rows.sort(key=lambda row: row[0] if key == "cum" else row[1], reverse=True)
    lines = [f"{'cum ms':>7} {'own ms':>7} {'calls':>7}  function (per request)"]
    for cum, own, calls, func in rows[:count]:
        lines.append(
            f"{cum * 1000 / requests:7.2f} {own * 1000 / requests:7.2f} "
            f"{calls / requests:7.1f}  {_where(func)}"
        )
    return "\n".join(lines)


def measure(client, url, requests, top):
    from django.db import connection, reset_queries

    kwargs = {"secure": True, "HTTP_HOST": "127.0.0.1"}
    # Warm up: templates compiled, URL resolvers and translations loaded.
    for _ in range(5):
        response = client.get(url, **kwargs)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    start, wall_start = time.process_time(), time.perf_counter()
    for _ in range(requests):
        client.get(url, **kwargs)
    cpu_ms = (time.process_time() - start) * 1000 / requests
    # Wall time adds what this process waited for: PostgreSQL's answers.
    wall_ms = (time.perf_counter() - wall_start) * 1000 / requests

    connection.force_debug_cursor = True
    reset_queries()
    client.get(url, **kwargs)
    queries = len(connection.queries)
    connection.force_debug_cursor = False

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(url, **kwargs)
    profile.disable()
    stats = pstats.Stats(profile)
    calls = stats.total_calls / requests
    return cpu_ms, wall_ms, queries, calls, profile


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--page", action="append", choices=list(PAGES))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wellness-profile-") as name:
        tmp = Path(name)
        env = site_env(tmp, page_cache=False)
        # Static files first: saving the demo center's profile renders a page
        # that names them (wellness_site/offline_page.py).
        manage(env, "collectstatic", "--noinput", "-v", "0")
        prepare_site(env)
        os.environ.clear()
        os.environ.update(env)

        import django

        django.setup()
        from django.conf import settings
        from django.test import Client

        if settings.DEBUG or settings.PAGE_CACHE_SECONDS:
            raise SystemExit("profile with DEBUG off and the page cache off")
        client = Client()
        pages = _resolve_pages()
        summary = []
        for page in args.page or list(PAGES):
            url = pages[page]
            cpu_ms, wall_ms, queries, calls, profile = measure(
                client, url, args.requests, args.top
            )
            summary.append((page, url, cpu_ms, wall_ms, queries, calls))
            print(f"\n=== {page} {url}")
            print(
                f"CPU {cpu_ms:.2f} ms/request ({wall_ms:.2f} ms wall), {queries} queries, "
                f"{calls:,.0f} calls/request"
            )
            print("--- by cumulative time (profiled, so slower than the CPU figure)")
            print(_top(profile, args.requests, "cum", args.top))
            print("--- by own time")
            print(_top(profile, args.requests, "own", args.top))

        print(f"\n{'page':8} {'CPU ms':>7} {'wall ms':>7} {'queries':>7} {'calls':>8}  url")
        for page, url, cpu_ms, wall_ms, queries, calls in summary:
            print(f"{page:8} {cpu_ms:7.2f} {wall_ms:7.2f} {queries:7d} {calls:8,.0f}  {url}")
        print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")


if __name__ == "__main__":
    main()
