"""collectstatic makes hashed, compressed files that whitenoise serves."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_writes_hashed_gzip_and_brotli_files(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "true",
        "STATIC_ROOT": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "wellness_site.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    hashed = [p.name for p in (tmp_path / "css").glob("main.*.css")]
    assert len(hashed) == 1
    assert (tmp_path / "css" / (hashed[0] + ".gz")).exists()
    assert (tmp_path / "css" / (hashed[0] + ".br")).exists()
    assert (tmp_path / "staticfiles.json").exists()
