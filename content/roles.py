"""What content staff may do in the admin."""

from wellness_site.roles import sync_role_groups

CONTENT_EDITORS = "Content editors"
MEDICAL_REVIEWERS = "Medical reviewers"
CENTER_ADMINISTRATORS = "Center administrators"

# Editors see the center's profile but cannot change it: whoever sets its phone
# numbers receives the calls of people seeking treatment.
_EDITING = [
    "content.view_centerprofile",
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
    # The center's name, phones, address, hours and privacy-notice link; every
    # change is kept in the profile's history.
    CENTER_ADMINISTRATORS: [
        "content.view_centerprofile",
        "content.change_centerprofile",
        "content.view_historicalcenterprofile",
    ],
}


def sync_content_roles(sender, using="default", **kwargs):
    sync_role_groups(ROLES, using=using)
