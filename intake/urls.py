from django.urls import path

from intake import views
from intake.models import IntakeRequest

urlpatterns = [
    path("call-back/", views.callback, name="callback"),
    path(
        "call-back/thanks/",
        views.thanks,
        {"kind": IntakeRequest.Kind.CALLBACK},
        name="callback_thanks",
    ),
    path("contact/", views.contact, name="contact"),
    path(
        "contact/thanks/",
        views.thanks,
        {"kind": IntakeRequest.Kind.CONTACT},
        name="contact_thanks",
    ),
]
