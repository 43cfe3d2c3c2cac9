"""What happens to a staff member's sessions when their account changes."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone


def user_sessions_end(user):
    """Delete every live session signed in as ``user``, on every app server.

    Sessions live in the database and are keyed by a random id, not by user,
    so each live one is decoded; only staff ever have one, so there are few.
    """
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def end_sessions_on_deactivation(sender, instance, update_fields=None, **kwargs):
    """pre_save receiver: a user being switched off is signed out everywhere.

    Django would refuse the inactive user on their next request anyway; this
    also removes the sessions from the store, so nothing of theirs remains.
    """
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = get_user_model().objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        user_sessions_end(instance)
