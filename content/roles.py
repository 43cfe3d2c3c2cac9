"""What content staff may do in the admin."""

from wellness_site.roles import sync_role_groups

CONTENT_EDITORS = "Content editors"
MEDICAL_REVIEWERS = "Medical reviewers"

_EDITING = [
    "content.view_centerprofile",
    "content.change_centerprofile",
    "content.view_sitepage",
    "content.change_sitepage",
]

ROLES = {
    CONTENT_EDITORS: _EDITING,
    MEDICAL_REVIEWERS: _EDITING,
}


def sync_content_roles(sender, using="default", **kwargs):
    sync_role_groups(ROLES, using=using)
