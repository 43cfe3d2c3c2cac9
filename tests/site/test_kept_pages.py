"""Whole public pages kept per process while their queries return the same rows.

``wellness_site.kept_pages``: the home page, an article, the topic list, a
topic and a program run their queries on every request and are rendered
again only when what those queries return (or the center's profile, its
credentials, the date...) differs. Each test here would fail if a kept page
showed anything but what a fresh render shows, or if a page that depends on
something outside its key were kept.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Max
from django.middleware.csrf import get_token
from django.utils import timezone

from center.models import CenterPage, Credential, Program
from content.fragments import fragments_disabled
from content.models import ArticleVersion, CenterProfile, Topic
from tests.auth import sign_in
from tests.queries import together
from wellness_site.kept_pages import kept_frames, kept_pages, render_framed, render_kept


@pytest.fixture
def no_page_cache(settings):
    # Only the kept pages are tested here, not the shared page cache in front.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def kept_urls(demo_data):
    version = ArticleVersion.objects.live().order_by("title").first()
    topic = Topic.objects.filter(articles=version.article_id).first()
    program = Program.objects.published().filter(articles=version.article_id).first()
    assert program is not None, "the demo links a program to this article"
    return {
        "home": "/",
        "article": version.get_absolute_url(),
        "topics": "/topics/",
        "topic": topic.get_absolute_url(),
        "program": program.get_absolute_url(),
    }


def _slug(url):
    return url.rstrip("/").rsplit("/", 1)[1]


def _version(url):
    return ArticleVersion.objects.live().get(slug=_slug(url))


def _past_demo_pks(model):
    # The demo's rows are loaded with their pks: PostgreSQL's sequence has
    # not moved past them.
    return (model.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1000


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_each_kept_page_is_rendered_once_then_reused_as_the_same_bytes(
    client, kept_urls, no_page_cache, django_assert_max_num_queries
):
    for name, url in kept_urls.items():
        first = client.get(url)
        assert first.status_code == 200
        assert first.templates, f"{name}: the first request renders the page"
        again = client.get(url)
        assert again.templates == [], f"{name}: the second reuses it, rendering nothing"
        assert again.content == first.content, name
        assert again["ETag"] == first["ETag"], name
        assert again["Content-Type"] == first["Content-Type"], name
    assert len(kept_pages) == len(kept_urls)


def test_a_kept_page_is_what_a_fresh_render_shows(client, kept_urls, no_page_cache):
    with fragments_disabled():  # nothing reused: every part made afresh
        fresh = {url: _html(client, url) for url in kept_urls.values()}
    assert len(kept_pages) == 0
    for url in kept_urls.values():
        _html(client, url)
        assert _html(client, url) == fresh[url], url


def test_a_kept_page_answers_a_repeat_visit_with_not_modified(client, kept_urls, no_page_cache):
    url = kept_urls["article"]
    etag = client.get(url)["ETag"]
    assert client.get(url)["ETag"] == etag  # kept
    repeat = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert repeat.status_code == 304
    assert repeat.content == b""


def test_a_kept_page_still_runs_its_queries_on_every_request(
    client, kept_urls, no_page_cache, django_assert_num_queries
):
    # What the page shows is read from the database each time; only the
    # template is skipped. The home page: first screen, topics, recently
    # reviewed, programs, sent as one statement on PostgreSQL.
    client.get("/")
    client.get("/")
    with django_assert_num_queries(together(4)):
        assert client.get("/").templates == []


def test_a_change_made_without_signals_shows_at_once_on_kept_pages(
    client, kept_urls, no_page_cache
):
    # A queryset update sends no signal, so nothing is invalidated: a kept
    # page is right because it is made from the rows its queries return.
    topic = Topic.objects.filter(articles=_version(kept_urls["article"]).article_id).first()
    for url in (kept_urls["topics"], kept_urls["topic"], kept_urls["article"]):
        assert topic.name in _html(client, url)
        _html(client, url)
    Topic.objects.filter(pk=topic.pk).update(name="Renamed without a signal")
    for url in (kept_urls["topics"], kept_urls["topic"], kept_urls["article"]):
        assert "Renamed without a signal" in _html(client, url), url


def test_a_scheduled_version_goes_live_on_kept_pages_when_its_time_comes(
    client, kept_urls, no_page_cache, monkeypatch
):
    url = kept_urls["article"]
    version = _version(url)
    later = timezone.now() + timedelta(hours=2)
    ArticleVersion.objects.filter(pk=version.pk).update(publish_at=later)
    assert client.get(url).status_code == 404
    assert version.title not in _html(client, kept_urls["topic"])
    _html(client, kept_urls["topic"])  # kept without the article
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=3))
    assert version.title in _html(client, url)
    assert version.title in _html(client, kept_urls["topic"])


def test_a_program_unpublished_leaves_the_kept_home_and_article(client, kept_urls, no_page_cache):
    program = Program.objects.get(slug=_slug(kept_urls["program"]))
    for url in ("/", kept_urls["article"]):
        assert program.get_absolute_url() in _html(client, url)
        _html(client, url)
    Program.objects.filter(pk=program.pk).update(published=False)
    for url in ("/", kept_urls["article"]):
        assert program.get_absolute_url() not in _html(client, url), url
    assert client.get(kept_urls["program"]).status_code == 404


def test_a_new_admissions_page_shows_on_a_kept_program_page(client, kept_urls, no_page_cache):
    url = kept_urls["program"]
    _html(client, url)
    _html(client, url)
    CenterPage.objects.filter(section=CenterPage.Section.ADMISSIONS).update(
        title="What the first phone call is like"
    )
    assert "What the first phone call is like" in _html(client, url)


def test_a_new_credential_shows_in_the_footer_of_kept_pages(client, kept_urls, no_page_cache):
    for url in kept_urls.values():
        assert "Larkspur Licensing Board" not in _html(client, url)
        _html(client, url)
    Credential.objects.create(
        pk=_past_demo_pks(Credential),
        kind=Credential.Kind.STATE_LICENCE,
        issuer="Larkspur Licensing Board",
        name="Licence",
    )
    for url in kept_urls.values():
        footer = _html(client, url).split('<footer class="site-footer">', 1)[1]
        assert "Larkspur Licensing Board" in footer, url


def test_an_expired_credential_leaves_the_footer_of_kept_pages_the_next_day(
    client, kept_urls, no_page_cache, monkeypatch
):
    today = timezone.localdate()
    Credential.objects.create(
        pk=_past_demo_pks(Credential),
        kind=Credential.Kind.CARF,
        issuer="Larkspur Accreditors",
        name="Accreditation",
        valid_until=today,
    )
    for _round in range(2):
        assert "Larkspur Accreditors" in _html(client, "/")
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=1))
    assert "Larkspur Accreditors" not in _html(client, "/")


def test_an_edited_center_profile_shows_on_every_kept_page(client, kept_urls, no_page_cache):
    for url in kept_urls.values():
        _html(client, url)
    profile = CenterProfile.objects.get()
    profile.name = "Harbor Light Recovery"
    profile.save()
    for url in kept_urls.values():
        assert "Harbor Light Recovery" in _html(client, url).split("</header>", 1)[0], url


def _kept_text():
    """Everything kept pages and frames hold, as one string."""
    return repr([*kept_pages._entries.values(), *kept_frames._entries.values()])


def test_staff_previews_are_never_kept(client, kept_urls, editor, no_page_cache):
    version = _version(kept_urls["article"])
    sign_in(client, editor)
    _html(client, f"/preview/articles/{version.article_id}/")
    _html(client, f"/preview/articles/{version.article_id}/")
    assert len(kept_pages) == 0


# What the search page is asked for, in each of its states: results, a
# correction, a suggestion, nothing found, too long, empty, and text that
# must show as text (markup, quotes, ampersands, the frame's own marker).
SEARCHES = [
    {"q": "withdrawal"},
    {"q": "heroin withdrawal"},
    {"q": "withdrawl symptoms"},
    {"q": "withdrawl", "exact": "1"},
    {"q": "nalox"},
    {"q": "zebrafish"},
    {"q": "x" * 201},
    {},
    {"q": ""},
    {"q": '<script>alert("x")</script> & methadone'},
    {"q": "fentanyl \ue001query\ue001 \ue001results_html\ue001"},
    {"q": "naloxone ' \" < > &amp; %20"},
]


def test_the_search_page_is_what_a_fresh_render_shows(client, demo_data, no_page_cache):
    with fragments_disabled():
        fresh = [_html(client, "/search/?" + urlencode(params)) for params in SEARCHES]
    assert len(kept_pages) == 0
    for _round in range(2):  # the frames made, then reused
        for params, expected in zip(SEARCHES, fresh, strict=True):
            assert _html(client, "/search/?" + urlencode(params)) == expected, params
    assert 0 < len(kept_frames) < len(SEARCHES)
    assert len(kept_pages) == 0


def test_the_search_page_keeps_its_frame_and_never_what_was_typed_or_found(
    client, demo_data, no_page_cache
):
    first = client.get("/search/", {"q": "methadone clinic"})
    assert first.templates, "the first search renders the page around the results"
    again = client.get("/search/", {"q": "suboxone dose"})
    assert again.templates == [], "another search reuses it"
    html = again.content.decode()
    assert "Search results for “suboxone dose”" in html
    assert 'value="suboxone dose"' in html
    assert "methadone clinic" not in html
    kept = _kept_text()
    for typed in ("methadone clinic", "suboxone dose", "methadone", "suboxone", "<mark>"):
        assert typed not in kept
    assert first["Cache-Control"] == again["Cache-Control"] == "private, no-store"
    assert again["X-Robots-Tag"] == "noindex"


def test_a_search_whose_page_changed_gets_the_new_page(client, demo_data, no_page_cache):
    assert "0 results" in _html(client, "/search/?q=zebrafish")
    topic = Topic.objects.order_by("order").first()
    topic.name = "Withdrawal, week by week"
    topic.save()
    # Nothing found: the page lists the topics, read on this request.
    assert "Withdrawal, week by week" in _html(client, "/search/?q=zebrafish")


@pytest.fixture
def page_request(rf, demo_data):
    request = rf.get("/topics/")
    request.session = SessionStore()
    return request


def test_a_render_that_reads_the_database_is_never_kept(page_request):
    # A lazy queryset read by the template: a dependency outside the key.
    for _round in range(2):
        render_kept(
            page_request,
            "content/topic_list.html",
            inputs=("topics",),
            context=lambda: {"topics": Topic.objects.all()},
        )
    assert len(kept_pages) == 0
    topics = list(Topic.objects.all())  # read before: part of what the view passes
    render_kept(
        page_request,
        "content/topic_list.html",
        inputs=("topics",),
        context=lambda: {"topics": topics},
    )
    assert len(kept_pages) == 1


def test_a_render_that_used_the_csrf_token_or_the_session_is_never_kept(page_request):
    render_kept(
        page_request,
        "content/topic_list.html",
        inputs=("csrf",),
        context=lambda: {"topics": [], "token": get_token(page_request)},
    )
    render_kept(
        page_request,
        "content/topic_list.html",
        inputs=("session",),
        context=lambda: {"topics": [], "seen": page_request.session.get("seen")},
    )
    assert len(kept_pages) == 0


@pytest.fixture
def framed_templates(settings):
    """Two small templates: one shows its slot as it is, one changes it with a filter."""
    engine = dict(settings.TEMPLATES[0])
    options = dict(engine["OPTIONS"])
    options["loaders"] = [
        (
            "django.template.loaders.locmem.Loader",
            {
                "plain.html": "<h1>{{ query }}</h1>{% if query %}<p>{{ query }}</p>{% endif %}",
                "filtered.html": "<h1>{{ query|upper }}</h1>",
                "visitor.html": "<h1>{{ query }}</h1><p>{{ request.session.name }}</p>",
            },
        )
    ]
    engine.update(APP_DIRS=False, OPTIONS=options)
    settings.TEMPLATES = [engine]


def _framed(request, template_name, query):
    return render_framed(
        request, template_name, inputs=(), context=lambda: {}, slots={"query": query}
    ).content.decode()


def test_a_framed_page_shows_each_slot_escaped_in_every_place(page_request, framed_templates):
    assert _framed(page_request, "plain.html", "a & b") == "<h1>a &amp; b</h1><p>a &amp; b</p>"
    typed = '<b>"x"</b> \ue001query\ue001'
    assert _framed(page_request, "plain.html", typed) == (
        "<h1>&lt;b&gt;&quot;x&quot;&lt;/b&gt; \ue001query\ue001</h1>"
        "<p>&lt;b&gt;&quot;x&quot;&lt;/b&gt; \ue001query\ue001</p>"
    )
    # An empty slot is a page of its own: the {% if %} saw it empty.
    assert _framed(page_request, "plain.html", "") == "<h1></h1>"
    assert len(kept_frames) == 2


def test_a_frame_whose_template_changed_a_slot_is_never_kept(page_request, framed_templates):
    assert _framed(page_request, "filtered.html", "naloxone") == "<h1>NALOXONE</h1>"
    assert _framed(page_request, "filtered.html", "methadone") == "<h1>METHADONE</h1>"
    assert len(kept_frames) == 0


def test_a_frame_that_read_the_session_is_shown_but_never_kept(page_request, framed_templates):
    page_request.session["name"] = "Sam"
    assert _framed(page_request, "visitor.html", "naloxone") == "<h1>naloxone</h1><p>Sam</p>"
    page_request.session["name"] = "Alex"
    assert _framed(page_request, "visitor.html", "naloxone") == "<h1>naloxone</h1><p>Alex</p>"
    assert len(kept_frames) == 0
