from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("content.urls")),
]

handler500 = "wellness_site.views.server_error"
