from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from content.models import ArticleVersion, Person, SitePage, Topic


class SiteUrlSitemap(Sitemap):
    """Links on SITE_URL, never on whatever Host the request named."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class ArticleSitemap(SiteUrlSitemap):
    def items(self):
        return ArticleVersion.objects.live().only("slug", "publish_at").order_by("article_id")

    def lastmod(self, article):
        # The same date the page and its JSON-LD show as "updated".
        return article.modified_date


class TopicSitemap(SiteUrlSitemap):
    def items(self):
        return Topic.objects.all()


class PersonSitemap(SiteUrlSitemap):
    def items(self):
        return Person.objects.order_by("pk")


class PageSitemap(SiteUrlSitemap):
    def items(self):
        kinds = SitePage.objects.values_list("kind", flat=True)
        return ["home", "article_list", "topic_list", "person_list", *kinds]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "people": PersonSitemap,
}
