from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from center import views

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("about/", views.about, name="about"),
    path("about/team/", views.team, name="team"),
    path("admissions/", views.admissions_index, name="admissions"),
    path("admissions/<slug:slug>/", views.admissions_page, name="admissions_page"),
    path("paying-for-treatment/", views.paying_for_treatment, name="paying_for_treatment"),
    path("location/", views.location, name="location"),
    # Addresses visitors and the sites this one is modelled on expect.
    path(
        "services/",
        RedirectView.as_view(pattern_name="program_list", permanent=True),
        name="services_redirect",
    ),
    path(
        "levels-of-care/",
        RedirectView.as_view(
            url=reverse_lazy("article_detail", args=["levels-of-care-explained"]), permanent=True
        ),
        name="levels_of_care_redirect",
    ),
]
