"""The reviewer sees exactly what changed since the last approved version, safely escaped."""

import re
from html import unescape

import pytest
from django.utils.safestring import SafeString

from content.diff import (
    CitationChange,
    FieldChange,
    citation_changes,
    field_changes,
    word_diff,
)


def citation(order, **fields):
    return {
        "order": order,
        "authors": "National Institute on Drug Abuse",
        "title": f"Source {order}",
        "publisher": "NIH",
        "year": 2024,
        "url": f"https://nida.nih.gov/source-{order}",
        "doi": "",
        "pmid": "",
        "last_checked": "2025-01-15",
        **fields,
    }


def test_appended_paragraph_is_one_insertion_and_the_old_text_is_unmarked():
    old = "Withdrawal can be uncomfortable.\n"
    new = "Withdrawal can be uncomfortable.\n\nCall your doctor if symptoms get worse.\n"

    html = word_diff(old, new)

    assert isinstance(html, SafeString)
    assert html.count("<ins>") == 1
    assert "<del>" not in html
    assert html == (
        "Withdrawal can be uncomfortable.<ins>\n\nCall your doctor if symptoms get worse.</ins>\n"
    )


def test_removed_paragraph_is_one_deletion():
    old = "Intro.\n\nOld advice.\n\nOutro.\n"
    html = word_diff(old, "Intro.\n\nOutro.\n")
    assert html == "Intro.\n\n<del>Old advice.\n\n</del>Outro.\n"


def test_a_changed_word_is_deleted_then_inserted_in_place():
    html = word_diff("Take 10 mg twice a day.", "Take 20 mg twice a day.")
    assert html == "Take <del>10</del><ins>20</ins> mg twice a day."


def test_a_removed_word_is_only_deleted():
    assert word_diff("Do not stop suddenly.", "Do not stop.") == "Do not stop<del> suddenly</del>."


def test_a_changed_dose_is_marked_as_a_whole_number():
    assert word_diff("Up to 1.5 mg.", "Up to 2.5 mg.") == "Up to <del>1.5</del><ins>2.5</ins> mg."


def test_adjacent_changed_words_read_as_one_change():
    html = word_diff("It is mild and short.", "It is severe and long.")
    assert html == "It is <del>mild</del><ins>severe</ins> and <del>short</del><ins>long</ins>."
    # A space or comma between two changed words does not split the change in two.
    assert word_diff("one two, three", "one four, five") == (
        "one <del>two, three</del><ins>four, five</ins>"
    )


def test_changed_lines_keep_their_own_old_and_new_text():
    html = word_diff("- shaking\n- sweating\n", "- tremor\n- fever\n")
    assert html == "- <del>shaking</del><ins>tremor</ins>\n- <del>sweating</del><ins>fever</ins>\n"


def test_a_one_word_edit_in_a_long_article_stays_one_word():
    # Long texts repeat "the", "," and spaces hundreds of times; the edit must
    # still be found in place, not shown as a rewritten stretch of text.
    sentence = "The first days of withdrawal can be hard, and the body needs rest. "
    paragraphs = [sentence * 8 for _ in range(25)]
    old = "\n\n".join(paragraphs)
    paragraphs[12] = paragraphs[12].replace("needs rest", "needs sleep", 1)
    html = word_diff(old, "\n\n".join(paragraphs))
    assert html.count("<del>") == html.count("<ins>") == 1
    assert "needs <del>rest</del><ins>sleep</ins>." in html


def test_newlines_are_kept_so_the_diff_reads_as_the_text():
    old = "## Signs\n\n- shaking\n- sweating\n"
    new = "## Signs\n\n- shaking\n- sweating\n- anxiety\n"
    html = word_diff(old, new)
    assert html.startswith("## Signs\n\n- shaking\n- sweating\n")
    assert "<ins>" in html and "anxiety" in html


def test_crlf_line_endings_are_not_a_change():
    assert word_diff("One.\r\nTwo.", "One.\nTwo.") == "One.\nTwo."


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "Safe text.",
            "Safe text. <script>alert('x')</script> & more",
            "Safe text.<ins> &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more</ins>",
        ),
        (
            "<script>alert(1)</script> & more",
            "more",
            "<del>&lt;script&gt;alert(1)&lt;/script&gt; &amp; </del>more",
        ),
        (
            "Tom & Jerry <b>",
            "Tom & Jerry <i>",
            "Tom &amp; Jerry &lt;<del>b</del><ins>i</ins>&gt;",
        ),
    ],
    ids=["added", "removed", "unchanged and replaced"],
)
def test_everything_is_escaped(old, new, expected):
    assert word_diff(old, new) == expected


def _side(diff, keep):
    drop = "ins" if keep == "del" else "del"
    text = re.sub(rf"<{drop}>.*?</{drop}>", "", diff, flags=re.DOTALL)
    return unescape(text.replace(f"<{keep}>", "").replace(f"</{keep}>", ""))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "All new."),
        ("All gone.", ""),
        ("A.", "A.\n\nB."),
        ("Take 1.5 mg, then rest.", "Take 2 mg (then rest)."),
        ("- one\n- two\n- three\n", "- one\n- three\n- four & <five>\n"),
        ("the the the cat", "the cat the the"),
        ("## Heading\n\nText  with  spaces.", "## Heading\nText with spaces.\n"),
    ],
)
def test_the_marks_account_for_every_character(old, new):
    # Reading the diff without the additions gives the old text exactly, and
    # without the removals the new text: nothing changes unmarked.
    diff = word_diff(old, new)
    assert _side(diff, "del") == old
    assert _side(diff, "ins") == new
    assert "<del></del>" not in diff
    assert "<ins></ins>" not in diff


def test_first_approval_returns_the_whole_text_escaped_without_marks():
    html = word_diff(None, "Withdrawal & you\n\n<script>x</script>")
    assert isinstance(html, SafeString)
    assert html == "Withdrawal &amp; you\n\n&lt;script&gt;x&lt;/script&gt;"


def test_identical_texts_have_no_marks():
    text = "Nothing changed here.\n\nAt all."
    assert word_diff(text, text) == text


FIELDS = [("title", "Title"), ("summary", "Summary"), ("when_to_get_help", "When to get help")]


def test_field_changes_mark_only_the_changed_fields():
    old = {"title": "Alcohol withdrawal", "summary": "What to expect.", "when_to_get_help": ""}
    new = {
        "title": "Alcohol withdrawal",
        "summary": "What to expect, day by day.",
        "when_to_get_help": None,
    }

    title, summary, help_now = field_changes(old, new, FIELDS)

    assert title == FieldChange("Title", "Alcohol withdrawal", changed=False)
    assert summary.label == "Summary"
    assert summary.changed
    assert summary.html == "What to expect<ins>, day by day</ins>."
    assert help_now == FieldChange("When to get help", "", changed=False)


def test_field_changes_on_first_approval_show_every_field_whole_and_changed():
    new = {"title": "Detox & you", "summary": "Read this.", "when_to_get_help": "Call 911."}
    changes = field_changes(None, new, FIELDS)
    assert [c.label for c in changes] == ["Title", "Summary", "When to get help"]
    assert all(c.changed for c in changes)
    assert [c.html for c in changes] == ["Detox &amp; you", "Read this.", "Call 911."]
    assert not any("<ins>" in c.html for c in changes)


def test_field_missing_from_an_older_snapshot_is_all_new():
    (change,) = field_changes({}, {"title": "New field"}, [("title", "Title")])
    assert change.changed
    assert change.html == "<ins>New field</ins>"


def test_citations_added_removed_edited_and_unchanged_sorted_by_number():
    old = [citation(3), citation(1), citation(2)]
    new = [
        citation(4),
        citation(1),
        citation(2, title="Source 2, revised", last_checked="2025-06-01", year=2025),
    ]

    changes = citation_changes(old, new)

    assert [(c.kind, c.number) for c in changes] == [
        ("unchanged", 1),
        ("edited", 2),
        ("removed", 3),
        ("added", 4),
    ]
    unchanged, edited, removed, added = changes
    assert unchanged.changed_fields == []
    assert unchanged.before == unchanged.after == citation(1)
    # In the order the fields are shown, not the order they were edited.
    assert edited.changed_fields == ["title", "year", "last_checked"]
    assert edited.before["title"] == "Source 2"
    assert edited.after["title"] == "Source 2, revised"
    assert removed == CitationChange("removed", 3, citation(3), None, [])
    assert added == CitationChange("added", 4, None, citation(4), [])


def test_every_citation_is_added_on_first_approval():
    changes = citation_changes(None, [citation(2), citation(1)])
    assert [(c.kind, c.number, c.before) for c in changes] == [
        ("added", 1, None),
        ("added", 2, None),
    ]


def test_renumbered_citations_show_as_edits_of_each_number():
    # Citations are matched by number, as the reader sees them: [^1] now points
    # at a different source, which the reviewer has to check.
    changes = citation_changes([citation(1)], [citation(1, title="Other", url="https://x.org")])
    assert changes[0].kind == "edited"
    assert changes[0].changed_fields == ["title", "url"]


def test_duplicate_citation_numbers_are_refused():
    with pytest.raises(ValueError, match="numbered 1"):
        citation_changes(None, [citation(1), citation(1)])
