"""Who may see intake data: the Admissions group (and superusers), nobody else."""

from wellness_site.roles import sync_role_groups

ADMISSIONS = "Admissions"

ROLES = {
    ADMISSIONS: [
        "intake.view_intakerequest",
        "intake.change_intakerequest",
        "intake.view_contactattempt",
        "intake.add_contactattempt",
        "intake.change_contactattempt",
    ],
}


def sync_intake_roles(sender, using="default", **kwargs):
    sync_role_groups(ROLES, using=using)
