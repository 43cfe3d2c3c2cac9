"""Staff roles as groups, kept in step with the code after every migrate.

Each app declares the permissions its roles need; ``sync_role_groups`` runs
on ``post_migrate`` (which also follows a test database flush), creating each
group if missing and giving it exactly the listed permissions.
"""

from django.contrib.auth.models import Group, Permission


def sync_role_groups(roles, using="default"):
    """``roles`` maps a group name to ``"app_label.codename"`` permission names."""
    for group_name, perm_names in roles.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".", 1)
            perms.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        # set(), not add(): a permission taken out of a role here leaves the group too.
        group.permissions.set(perms)
