from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from center.sitemaps import CENTER_SITEMAPS
from content.sitemaps import SITEMAPS
from wellness_site import views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("", include("intake.urls")),
    path("", include("content.urls")),
    path("", include("center.urls")),
    # The project puts the apps' sitemaps together: content knows nothing of center.
    path("sitemap.xml", sitemap, {"sitemaps": {**SITEMAPS, **CENTER_SITEMAPS}}, name="sitemap"),
]

# Uploaded photos: served by Django only in local demo mode; in production
# the TLS proxy serves MEDIA_ROOT at MEDIA_URL (see the README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "wellness_site.views.server_error"
