"""Rules as data: phrase files compiled into one matcher, deployment folders, clear file errors."""

from __future__ import annotations

import threading

import pytest

from preview.checks.rules import PhraseSet, Rules, fold
from preview.contract.errors import InputError


def spans(phrases, text, **entry):
    matcher = PhraseSet([{"id": "x", "phrases": phrases, **entry}])
    return [m.text for m in matcher.finditer(text)]


@pytest.mark.parametrize(
    "text, found",
    [
        ("Congratulations on your wedding!", ["Congratulations on your wedding"]),
        ("CONGRATULATIONS ON YOUR WEDDING", ["CONGRATULATIONS ON YOUR WEDDING"]),
        ("Congratulations\non your\n  wedding", ["Congratulations\non your\n  wedding"]),
        ("Congratulations 🎉 on your 💍 wedding", ["Congratulations 🎉 on your 💍 wedding"]),
        ("congratulations on your weddings", ["congratulations on your weddings"]),
        ("Congratulations on-your wedding", ["Congratulations on-your wedding"]),
    ],
)
def test_phrases_match_through_case_breaks_emoji_and_plurals(text, found):
    assert spans(["congratulations on your wedding"], text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Congratulations. On your wedding day we ship free",  # a phrase does not run across sentences
        "Congratulations on your prewedding",  # word edges
        "Congratulations on our wedding",
    ],
)
def test_phrases_do_not_match_across_sentences_or_inside_words(text):
    assert spans(["congratulations on your wedding"], text) == []


def test_curly_quotes_fold_and_offsets_point_into_the_original_text():
    text = "Hi! You’re expecting — we’re thrilled"
    matcher = PhraseSet([{"id": "x", "phrases": ["you're expecting"]}])
    match = matcher.search(text)
    assert match.text == "You’re expecting"
    assert text[match.start : match.end] == "You’re expecting"
    assert fold("“a’b”") == "\"a'b\"" and len(fold("“a’b”")) == 5


def test_prefix_wildcard_and_gaps():
    assert spans(["pregnan*"], "Your pregnancy journey, pregnant or not") == ["pregnancy", "pregnant"]
    assert spans(["congratulations ... wedding"], "Congratulations on the upcoming wedding") == ["Congratulations on the upcoming wedding"]
    assert spans(["congratulations ... wedding"], "Congratulations to the happy couple on this wedding") == []  # more than four words


def test_plural_can_be_switched_off():
    assert spans(["baby"], "babys and baby's", plural=False) == ["baby"]  # the one before 's
    assert spans(["baby"], "babys", plural=True) == ["babys"]


def test_each_match_names_its_entry_and_longest_phrase_wins():
    matcher = PhraseSet([
        {"id": "short", "phrases": ["new home"], "event": "new_home"},
        {"id": "long", "phrases": ["your new home", "new home owner"], "event": "moving"},
    ])
    found = [(m.rule["id"], m.text) for m in matcher.finditer("Welcome to your new home. A new home owner gift.")]
    assert found == [("long", "your new home"), ("long", "new home owner")]
    assert not PhraseSet([])
    assert list(PhraseSet([]).finditer("anything")) == []


def test_cuts_are_sentence_punctuation_no_phrase_spells_out_there():
    plain = PhraseSet([{"id": "x", "phrases": ["congratulations on your wedding"]}])
    assert plain.cuts('Hi, "you". (Yes!) Ok? a;b:c') == [2, 4, 8, 9, 11, 15, 16, 20, 23, 25]
    # A gap (...) and a wildcard (*) spell out nothing; a comma and a quote in a phrase do, and
    # there (after "congratulations", before "i") they are no cut.
    spelled = PhraseSet([{"id": "x", "phrases": ["congrat* on ... wedding", "congratulations, graduate", 'you said "i do']}])
    text = 'Well, CONGRATULATIONS, graduate! You said "I do. Say "hi".'
    assert [text[i] for i in spelled.cuts(text)] == [",", "!", ".", '"', '"', "."]
    assert text.index(", graduate") not in spelled.cuts(text) and text.index('"I') not in spelled.cuts(text)
    # The text may go on before it (template text after a value): "ions," could end the phrase.
    assert spelled.cuts("ions, graduate. Bye") == [14]
    assert spelled.cuts("xions, graduate. Bye") == [5, 15]
    assert [m.text for m in spelled.finditer(text)] == ["CONGRATULATIONS, graduate", 'You said "I do']


def test_matches_are_remembered_per_text_within_bounds(monkeypatch):
    monkeypatch.setattr("preview.checks.rules._MEMO_TEXTS", 3)
    matcher = PhraseSet([{"id": "x", "phrases": ["new home"]}])
    texts = [f"Hi {name}, welcome to your new home" for name in ("Ana", "Bo", "Cy", "Di", "Ed")]
    for text in texts * 2:
        assert [m.text for m in matcher.matches(text)] == ["new home"]
        assert len(matcher._memo) <= 3
    assert matcher.matches(texts[-1]) is matcher.matches(texts[-1])  # a recent text is not scanned again
    monkeypatch.setattr("preview.checks.rules._MEMO_CHARS", 40)
    kept = set(matcher._memo)
    matcher.matches("x" * 100)  # longer than the memo holds: scanned, not kept, and nothing evicted
    assert set(matcher._memo) == kept


def test_the_memo_keeps_its_bounds_when_threads_share_it(monkeypatch):
    monkeypatch.setattr("preview.checks.rules._MEMO_TEXTS", 5)
    matcher = PhraseSet([{"id": "x", "phrases": ["new home"]}])
    errors = []

    def scan(offset):
        try:
            for i in range(2000):
                text = f"welcome to your new home, {chr(97 + (i + offset) % 26) * (1 + i % 7)}"
                assert [m.text for m in matcher.matches(text)] == ["new home"]
        except Exception as exc:  # pragma: no cover - the failure this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(matcher._memo) <= 5


def test_texts_that_differ_only_in_digits_share_a_scan():
    matcher = PhraseSet([{"id": "x", "phrases": ["new home"]}])
    first = matcher.matches("New home for $12.99, order 4411")
    second = matcher.matches("New home for $30.50, order 9")
    assert [m.text for m in first] == ["New home"] and [m.text for m in second] == ["New home"]
    assert len(matcher._memo) == 2  # "order 4411" and "order 9" differ in length
    third = matcher.matches("Our new home: $99.99, order 1234")
    fourth = matcher.matches("Our NEW home: $10.00, order 5678")
    assert [m.text for m in third] == ["new home"] and [m.text for m in fourth] == ["NEW home"]
    assert matcher.matches("Your new home, order 1111") == matcher.scan("Your new home, order 1111")
    found = matcher.matches("Your new home, order 2222")  # from the memo, the text of this one
    assert found == matcher.scan("Your new home, order 2222") and len(matcher._memo) == 5
    # A phrase that spells out a digit tells digits apart.
    digits = PhraseSet([{"id": "x", "phrases": ["24/7 support"]}])
    assert [m.text for m in digits.matches("24/7 support")] == ["24/7 support"]
    assert digits.matches("25/7 support") == ()


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text)
    return folder


def test_deployment_folders_replace_entries_by_id_and_add_new_ones(tmp_path):
    base = write(tmp_path / "a", "greetings", "- id: hello\n  phrases: [hello there]\n- id: bye\n  phrases: [goodbye]\n")
    deploy = write(tmp_path / "b", "greetings", "- id: hello\n  phrases: [howdy]\n- id: new\n  phrases: [welcome back]\n")
    rules = Rules([base, deploy])
    assert [(e["id"], e["phrases"]) for e in rules.entries("greetings")] == [
        ("hello", ["howdy"]), ("bye", ["goodbye"]), ("new", ["welcome back"]),
    ]
    matcher = rules.phrases("greetings")
    assert [m.rule["id"] for m in matcher.finditer("Howdy! Hello there. Welcome back, goodbye")] == ["hello", "new", "bye"]
    assert rules.phrases("greetings") is matcher  # compiled once
    only_new = rules.phrases("greetings", where=lambda e: e["id"] == "new")
    assert [m.text for m in only_new.finditer("howdy, welcome back")] == ["welcome back"]
    assert "greetings" in rules.names


def test_builtin_rule_files_load():
    rules = Rules()
    assert rules.names, "no built-in rule files"
    for name in rules.names:
        entries = rules.entries(name)
        assert all("id" in e for e in entries), name
        rules.phrases(name)  # compiles


@pytest.mark.parametrize(
    "text, message, where",
    [
        ("- id: a\n  phrases: [x\n", "not valid YAML", ":3"),
        ("id: a\n", "must be a list of entries", "bad.yaml"),
        ("- phrases: [x]\n", "entry 0 needs an 'id'", "[0].id"),
        ("- id: a\n  phrases: just one\n", "must be a list of strings", "[0].phrases"),
    ],
)
def test_bad_rule_files_are_clear_errors(tmp_path, text, message, where):
    folder = write(tmp_path / "r", "bad", text)
    with pytest.raises(InputError) as info:
        Rules([folder]).entries("bad")
    assert message in str(info.value)
    assert where in str(info.value)
    assert "bad.yaml" in str(info.value)
