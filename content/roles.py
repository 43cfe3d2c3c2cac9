"""What content staff may do in the admin."""

from django.contrib.auth.models import Permission

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
# Search synonyms change which articles a search finds, never what they say.
_EDITING += [f"content.{action}_searchsynonym" for action in ("view", "add", "change", "delete")]
_EDITING += [
    "content.delete_citation",
    "content.view_review",
    "content.view_articleversion",
    "content.view_historicalarticle",
]

# The center's own pages (the center app): programs, team, licences, insurance
# and practical pages. Its administrators edit them; editors may only look.
_CENTER_MODELS = ("program", "staffmember", "credential", "insuranceplan", "centerpage")
_CENTER_VIEWING = [f"center.view_{model}" for model in _CENTER_MODELS]
_CENTER_ADMINISTERING = [
    f"center.{action}_{model}"
    for model in _CENTER_MODELS
    for action in ("view", "add", "change", "delete")
] + [f"center.view_historical{model}" for model in _CENTER_MODELS]

ROLES = {
    # Write and edit; cannot approve, so cannot publish.
    CONTENT_EDITORS: [*_EDITING, *_CENTER_VIEWING],
    # Everything editors do, plus approval (content.services.article_approve).
    MEDICAL_REVIEWERS: [*_EDITING, "content.approve_article", *_CENTER_VIEWING],
    # The center's name, phones, address, hours and privacy-notice link; every
    # change is kept in the profile's history.
    CENTER_ADMINISTRATORS: [
        "content.view_centerprofile",
        "content.change_centerprofile",
        "content.view_historicalcenterprofile",
        *_CENTER_ADMINISTERING,
    ],
}


def sync_content_roles(sender, using="default", **kwargs):
    roles = ROLES
    if not Permission.objects.using(using).filter(content_type__app_label="center").exists():
        # A new database: the center app's permissions are created after this
        # app's post_migrate. Its own post_migrate runs this again (center/apps.py).
        roles = {
            group: [name for name in names if not name.startswith("center.")]
            for group, names in ROLES.items()
        }
    sync_role_groups(roles, using=using)
