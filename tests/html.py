"""A small HTML reader for assertions about a page's structure."""

from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects every start tag with its attributes, and the text of each <h1>."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.h1_texts = []
        self._in_h1 = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "h1":
            self._in_h1 = True
            self.h1_texts.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1_texts[-1] += data

    def find_all(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]
