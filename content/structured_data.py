"""JSON-LD for article pages (schema.org MedicalWebPage and BreadcrumbList).

Dates come from the same properties the page and the sitemap use, so the
three always agree.
"""

from django.urls import reverse


def _person(person, site_url):
    data = {
        "@type": "Person",
        "name": person.name,
        "url": site_url + person.get_absolute_url(),
    }
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    if person.job_title:
        data["jobTitle"] = person.job_title
    return data


def _organization(center, site_url):
    data = {"@type": "MedicalOrganization", "name": center.name, "url": site_url + "/"}
    if center.main_phone:
        data["telephone"] = center.main_phone
    return data


def article_json_ld(article, *, center, site_url):
    url = site_url + article.get_absolute_url()
    topics = list(article.topics.all())
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "headline": article.title,
        "name": article.title,
        "description": article.description,
        "about": [{"@type": "Thing", "name": t.name} for t in topics],
        "author": _person(article.author, site_url),
        "reviewedBy": _person(article.reviewer, site_url),
        "publisher": _organization(center, site_url),
        "citation": [
            {
                "@type": "CreativeWork",
                "name": c.title,
                "author": c.authors,
                "url": c.url,
                **({"datePublished": str(c.year)} if c.year else {}),
            }
            for c in article.citations.all()
        ],
    }
    if article.last_reviewed:
        page["lastReviewed"] = article.last_reviewed.isoformat()
    if article.published_date:
        page["datePublished"] = article.published_date.isoformat()
    if article.modified_date:
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
