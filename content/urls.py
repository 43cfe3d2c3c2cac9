from django.urls import path

from content import views
from content.models import SitePage

urlpatterns = [
    path("", views.home, name="home"),
    *(
        path(f"{kind}/", views.site_page, {"kind": kind}, name=kind)
        for kind in SitePage.Kind.values
    ),
]
