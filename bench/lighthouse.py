"""Lighthouse on the home page, an article and the call-back page (mobile).

    make lighthouse

Starts the site as production runs it (bench/server.py), runs Lighthouse 12
from bench/node_modules against each page with the system Chromium, and
prints the four category scores. The target is 100 in each.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from server import BENCH, Gunicorn, free_port, prepare_site, site_env

PAGES = {
    "home": "/",
    "article": "/articles/heroin-withdrawal-symptoms-and-timeline/",
    "call-back": "/call-back/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def lighthouse(url, out):
    binary = BENCH / "node_modules" / ".bin" / "lighthouse"
    subprocess.run(
        [
            str(binary), url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json", f"--output-path={out}",
            f"--chrome-flags={CHROME_FLAGS}",
            '--extra-headers={"X-Forwarded-Proto": "https"}',
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )  # fmt: skip
    report = json.loads(Path(out).read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = [
        audit["title"]
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return scores, failing


def main():
    if not (BENCH / "node_modules" / ".bin" / "lighthouse").exists():
        raise SystemExit("Lighthouse is not installed: npm install --prefix bench")
    tmp = Path(tempfile.mkdtemp(prefix="wellness-lighthouse-"))
    # Lighthouse fetches robots.txt itself, without our proxy's header, so the
    # site must not redirect plain HTTP here (loopback stands in for TLS).
    env = {**site_env(tmp), "SECURE_SSL_REDIRECT": "false"}
    prepare_site(env)
    port = free_port()
    server = Gunicorn(env, port)
    rows, below = [], []
    try:
        for name, path in PAGES.items():
            scores, failing = lighthouse(f"http://127.0.0.1:{port}{path}", tmp / f"{name}.json")
            rows.append((name, scores))
            if any(score < 100 for score in scores.values()):
                below.append(f"{name}: {'; '.join(failing) or 'see the JSON report'}")
    finally:
        server.stop()
    print(f"{'page':<10}" + "".join(f"{c:>16}" for c in CATEGORIES))
    for name, scores in rows:
        print(f"{name:<10}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
    if below:
        print("\nBelow 100:\n" + "\n".join(below))
    shutil.rmtree(tmp, ignore_errors=True)
    raise SystemExit(1 if below else 0)


if __name__ == "__main__":
    main()
