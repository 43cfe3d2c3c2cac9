"""Move a stylesheet's inline data: images into files of their own.

Bootstrap draws its check marks, select arrows and form icons with
``url("data:image/svg+xml,...")``. Our Content-Security-Policy allows images
from our own origin only (``img-src 'self'``), so the browser would block
them. This command writes each one to ``static/img/<folder>/`` under a name
taken from its content and points the stylesheet at the file. Run it again
after replacing the vendored Bootstrap, then build_css:

    python manage.py externalize_css_images wellness_site/assets/bootstrap.min.css
"""

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# url("data:image/svg+xml,...") with either quote; the SVG may hold the other.
DATA_SVG = re.compile(r"""url\((["'])data:image/svg\+xml,(.*?)\1\)""")


def externalize(css, image_dir, url_prefix):
    """Return ``css`` with each data: SVG replaced by a file written to ``image_dir``."""
    written = {}

    def replace(match):
        svg = unquote(match.group(2))
        name = "i-" + hashlib.sha256(svg.encode()).hexdigest()[:12] + ".svg"
        if name not in written:
            (image_dir / name).write_text(svg, encoding="utf-8")
            written[name] = True
        return f'url("{url_prefix}{name}")'

    return DATA_SVG.sub(replace, css), len(written)


class Command(BaseCommand):
    help = "Move a stylesheet's inline data: SVG images into static files (for the CSP)."

    def add_arguments(self, parser):
        parser.add_argument("stylesheet", help="A CSS file in wellness_site/assets/.")
        parser.add_argument(
            "--folder", default="bootstrap", help="Subfolder of static/img/ for the images."
        )

    def handle(self, *args, stylesheet, folder, **options):
        path = Path(stylesheet).resolve()
        assets = Path(settings.BASE_DIR, "wellness_site", "assets").resolve()
        if path.parent != assets or not path.is_file():
            raise CommandError(f"{stylesheet}: give a CSS file in {assets}.")
        # The built stylesheet is static/css/main.css, so ../img/ is static/img/.
        image_dir = Path(settings.BASE_DIR, "static").resolve() / "img" / folder
        image_dir.mkdir(parents=True, exist_ok=True)
        css, count = externalize(path.read_text(encoding="utf-8"), image_dir, f"../img/{folder}/")
        path.write_text(css, encoding="utf-8")
        self.stdout.write(f"{path.name}: {count} images moved to static/img/{folder}/.")
