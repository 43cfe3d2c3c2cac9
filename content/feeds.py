from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from content.models import ArticleVersion, CenterProfile


class LatestArticlesFeed(Feed):
    """The newest published articles, as Atom, with absolute links to SITE_URL."""

    feed_type = Atom1Feed
    description = _("Medically reviewed articles on heroin addiction and its treatment.")

    def title(self):
        return _("Articles from %(name)s") % {"name": CenterProfile.objects.get_cached().name}

    def link(self):
        return settings.SITE_URL + "/articles/"

    def items(self):
        # Approved versions only: the feed says what the pages say.
        return ArticleVersion.objects.live().for_listing().order_by("-first_published_at")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.publish_at

    def item_author_name(self, item):
        return item.author_name
