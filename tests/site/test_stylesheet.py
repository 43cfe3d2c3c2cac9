"""The one stylesheet: built from its sources, and small."""

import gzip

from django.core.management import call_command

from wellness_site.management.commands import build_css


def test_the_committed_stylesheet_is_what_build_css_makes():
    # Edited site.css (or a new Bootstrap) without running build_css? This fails.
    assert build_css.OUTPUT.read_text(encoding="utf-8") == build_css.build()


def test_trimming_keeps_the_rules_our_pages_use_and_drops_the_rest():
    css = build_css.build()
    for kept in (".visually-hidden", ".form-control", ".is-invalid", ".container"):
        assert kept in css, kept
    for dropped in (".carousel", ".offcanvas", ".toast", ".popover", ".dropdown-menu"):
        assert dropped not in css, dropped
    # The last rules are ours, after Bootstrap's, so they win.
    assert css.rstrip().endswith("}")
    assert "Bootstrap" in css[:400]  # the licence stays


def test_the_stylesheet_is_small(tmp_path, settings):
    compressed = gzip.compress(build_css.OUTPUT.read_bytes(), compresslevel=9)
    assert len(compressed) < 14_000


def test_build_css_writes_the_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "main.css"
    monkeypatch.setattr(build_css, "OUTPUT", target)
    call_command("build_css")
    assert target.read_text(encoding="utf-8") == build_css.build()
    assert "bytes" in capsys.readouterr().out
