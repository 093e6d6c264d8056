"""Word and line differences between two renders."""

from preview.web.compare import changed, diff_lines, diff_words


def _flat(segments, changed_only=False):
    return "".join(s.text for s in segments if s.changed or not changed_only)


def test_diff_words_marks_only_the_words_that_differ():
    left, right = diff_words("Hi Ana, your wedding gifts", "Hi there, your wedding gifts")
    assert _flat(left) == "Hi Ana, your wedding gifts" and _flat(right) == "Hi there, your wedding gifts"
    assert _flat(left, True) == "Ana" and _flat(right, True) == "there"


def test_diff_lines_pairs_changed_lines_and_keeps_line_numbers():
    rows = diff_lines("Hi Ana\nShop now\nBye", "Hi Bo\nShop now\nNew line\nBye")
    assert [r.kind for r in rows] == ["replace", "equal", "insert", "equal"]
    assert (rows[0].left_number, rows[0].right_number) == (1, 1)
    assert rows[2].left == [] and _flat(rows[2].right, True) == "New line" and rows[2].right_number == 3
    assert changed(rows) == 2


def test_lines_only_on_one_side_are_deleted_or_inserted():
    rows = diff_lines("a\nb\nc", "a")
    assert [r.kind for r in rows] == ["equal", "delete", "delete"]
    rows = diff_lines("x\ny", "z")
    assert [r.kind for r in rows] == ["replace", "delete"]


def test_identical_texts_have_no_changes():
    rows = diff_lines("same\ntext", "same\ntext")
    assert changed(rows) == 0 and all(not s.changed for r in rows for s in r.left + r.right)
