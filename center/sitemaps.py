"""Sitemap sections for the center's pages.

Not wired in by this app: content/urls.py owns /sitemap.xml. To list these
pages there, merge ``CENTER_SITEMAPS`` into ``content.sitemaps.SITEMAPS``.
"""

from django.urls import reverse

from center.models import CenterPage, Program
from content.sitemaps import SiteUrlSitemap


class CenterPageSitemap(SiteUrlSitemap):
    def items(self):
        return ["program_list", "about", "team", "admissions", "paying_for_treatment", "location"]

    def location(self, name):
        return reverse(name)


class ProgramSitemap(SiteUrlSitemap):
    def items(self):
        return Program.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, program):
        return program.updated_at


class AdmissionsPageSitemap(SiteUrlSitemap):
    def items(self):
        return (
            CenterPage.objects.published()
            .filter(section=CenterPage.Section.ADMISSIONS)
            .only("section", "slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, page):
        return page.updated_at


CENTER_SITEMAPS = {
    "center": CenterPageSitemap,
    "programs": ProgramSitemap,
    "admissions": AdmissionsPageSitemap,
}
