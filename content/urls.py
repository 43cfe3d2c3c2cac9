from django.urls import path

from content import views
from content.feeds import LatestArticlesFeed
from content.models import SitePage

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path(
        "articles/<slug:slug>/review-history/",
        views.article_review_history,
        name="article_review_history",
    ),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("search/", views.search, name="search"),
    path("feed/", LatestArticlesFeed(), name="article_feed"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("preview/articles/<int:pk>/", views.article_preview, name="article_preview"),
    *(
        path(f"{kind}/", views.site_page, {"kind": kind}, name=kind)
        for kind in SitePage.Kind.values
    ),
]
