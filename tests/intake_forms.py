"""A call-back form as a person sends it, for tests outside tests/intake too."""

import time

from intake.antispam import issue_form_token


def callback_post(**overrides):
    """Valid call-back form data, shown 30 seconds ago (a person's pace)."""
    data = {
        "form_token": issue_form_token("callback", now=time.time() - 30),
        "first_name": "Jordan",
        "phone": "(614) 555-0199",
        "who_for": "myself",
        "best_time": "any",
        "voicemail_ok": "no",
        "hp_z7q": "",
    }
    data.update(overrides)
    return data
