"""JSON-LD for article pages (schema.org MedicalWebPage and BreadcrumbList).

Dates come from the same properties the page and the sitemap use, so the
three always agree.
"""

from django.urls import reverse


def _person(byline, person, site_url):
    """A person as the version's byline names them, linked to their profile."""
    data = {
        "@type": "Person",
        "name": byline.get("name", ""),
        "url": site_url + person.get_absolute_url(),
    }
    if byline.get("credentials"):
        data["honorificSuffix"] = byline["credentials"]
    if byline.get("job_title"):
        data["jobTitle"] = byline["job_title"]
    return data


def _organization(center, site_url):
    data = {"@type": "MedicalOrganization", "name": center.name, "url": site_url + "/"}
    if center.main_phone:
        data["telephone"] = center.main_phone
    return data


def article_json_ld(article, *, topics, center, site_url):
    """JSON-LD for ``article``, an ``ArticleVersion``: what was approved, nothing newer."""
    url = site_url + article.get_absolute_url()
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "headline": article.title,
        "name": article.title,
        "description": article.description,
        "about": [{"@type": "Thing", "name": t.name} for t in topics],
        "author": _person(article.byline.get("author", {}), article.author, site_url),
        "reviewedBy": _person(article.byline.get("reviewer", {}), article.reviewer, site_url),
        "publisher": _organization(center, site_url),
        "citation": [
            {
                "@type": "CreativeWork",
                "name": c.title,
                "author": c.authors,
                "url": c.url,
                **({"datePublished": str(c.year)} if c.year else {}),
            }
            for c in article.citation_list
        ],
    }
    page["lastReviewed"] = article.last_reviewed.isoformat()
    page["datePublished"] = article.published_date.isoformat()
    page["dateModified"] = article.modified_date.isoformat()
    crumbs = [("Home", site_url + "/")]
    if topics:
        crumbs.append((topics[0].name, site_url + topics[0].get_absolute_url()))
    else:
        crumbs.append(("Articles", site_url + reverse("article_list")))
    crumbs.append((article.title, url))
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": item}
            for i, (name, item) in enumerate(crumbs, start=1)
        ],
    }
    return [page, breadcrumbs]
