"""What each cached page depends on, named by tags, and found from its address alone.

A page's tags follow from its route (URL name and slug), never from what its
view read, so the page cache can fetch a page and its tags' generations in
one cache round trip, and the views need not know about caching at all:

    article_detail /articles/<slug>/   article:<slug>
    topic_detail   /topics/<slug>/     topic:<slug>
    home, lists, feed, sitemap         lists (and center, for the programs)

Every page also carries the global generation (``pagecache.GENERATION_KEY``):
the center's name and phones are in every page's header. A route missing
from the table below carries ``EVERY_CHANGE``, which every change bumps, so a
new page is correct (remade after any change) before anyone describes it.

The other half, which tags a change to the data touches, lives with the
models: ``content.signals`` and ``center.signals``. A tag names what a page
shows (the article at this address, the lists of articles), so each side
can be read on its own.
"""

import functools

from django.urls import Resolver404, resolve

# Bumped by every change, targeted or not: what a page no rule describes carries.
EVERY_CHANGE = "every-change"
# Everything that lists published articles or counts them: home, the article
# and topic lists, the feed, the sitemap, search's topic list.
LISTS = "lists"
PEOPLE = "people"
# The center's own pages (programs, team, admissions...), the home page's
# programs and the sitemap's center section.
CENTER = "center"
# The paying-for-treatment page, which lists articles its sections link.
PAYING = "paying"


def _tag_of(kind):
    """``tag(address)``: the tag of the page of one ``kind`` of thing, by its address."""
    return f"{kind}:{{}}".format


# An article's page and its review history, at one address it has had.
article_tag = _tag_of("article")
topic_tag = _tag_of("topic")
person_tag = _tag_of("person")
program_tag = _tag_of("program")
admissions_page_tag = _tag_of("admissions-page")
site_page_tag = _tag_of("site-page")


# URL name -> tags; "{slug}" is filled in from the address.
ROUTE_TAGS = {
    "home": (LISTS, CENTER),
    "article_list": (LISTS,),
    "topic_list": (LISTS,),
    "search": (LISTS,),  # without a query (with one it is never kept)
    "article_feed": (LISTS,),
    "sitemap": (LISTS, CENTER),
    "article_detail": (article_tag("{slug}"),),
    "article_review_history": (article_tag("{slug}"),),
    "topic_detail": (topic_tag("{slug}"),),
    "person_list": (PEOPLE,),
    "person_detail": (person_tag("{slug}"),),
    "program_list": (CENTER,),
    "program_detail": (CENTER, program_tag("{slug}")),
    "about": (CENTER,),
    "team": (CENTER,),
    "location": (CENTER,),
    "admissions": (CENTER,),
    "admissions_page": (CENTER, admissions_page_tag("{slug}")),
    "paying_for_treatment": (CENTER, PAYING),
    # Fixed text: only the global generation.
    "robots_txt": (),
    "security_txt": (),
}


@functools.cache
def _site_page_routes():
    from content.models import SitePage

    # Each policy page is its own URL name: the kind.
    return {kind: (site_page_tag(kind),) for kind in SitePage.Kind.values}


def tags_for_route(url_name, kwargs):
    tags = ROUTE_TAGS.get(url_name) or _site_page_routes().get(url_name)
    if tags is None:
        return (EVERY_CHANGE,)
    try:
        return tuple(tag.format(**kwargs) for tag in tags)
    except (KeyError, IndexError):
        return (EVERY_CHANGE,)


def tags_for_path(path, urlconf=None):
    """The tags of the page at ``path`` (a request's ``path_info``)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return (EVERY_CHANGE,)  # a 404, which is never kept
    return tags_for_route(match.url_name, match.kwargs)


# Other apps' pages that list articles (a program's "Read more" list):
# functions from article pks to the tags of those pages, registered by those
# apps, so that the content app need not know them.
_article_listers = []


def lists_articles(function):
    """Register ``function(article_ids) -> tags``, pages outside content that show articles."""
    _article_listers.append(function)
    return function


def pages_listing_articles(article_ids):
    tags = set()
    for function in _article_listers:
        tags |= function(article_ids)
    return tags
