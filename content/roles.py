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

_EDITING += [
    f"content.{action}_{model}"
    for model in ("article", "topic", "person", "citation")
    for action in ("view", "add", "change")
]
_EDITING += [
    "content.delete_citation",
    "content.view_review",
    "content.view_articleversion",
    "content.view_historicalarticle",
]

ROLES = {
    # Write and edit; cannot approve, so cannot publish.
    CONTENT_EDITORS: _EDITING,
    # Everything editors do, plus approval (content.services.article_approve).
    MEDICAL_REVIEWERS: [*_EDITING, "content.approve_article"],
}


def sync_content_roles(sender, using="default", **kwargs):
    sync_role_groups(ROLES, using=using)
