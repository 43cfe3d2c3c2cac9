from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from wellness_site import views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("", include("intake.urls")),
    path("", include("content.urls")),
]

# Uploaded photos: served by Django only in local demo mode; in production
# the TLS proxy serves MEDIA_ROOT at MEDIA_URL (see the README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "wellness_site.views.server_error"
