"""Staff passwords: 12 characters or more, not common, not all digits, not the user name."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Sh0rt-pass!", "at least 12 characters"),
        ("password1234", "too common"),
        ("830264917365", "entirely numeric"),
        ("edith-editor-2026", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(editor, password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=editor)
    assert any(reason in message for message in refused.value.messages)


def test_a_long_uncommon_password_is_accepted(editor):
    assert validate_password("maple tundra quietly ferry", user=editor) is None
