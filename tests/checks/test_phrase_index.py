"""The indexed phrase matcher finds exactly what rules.PhraseSet finds, on real copy and on every
phrase of every rule file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from preview.checks.phrase_index import IndexedPhraseSet, indexed
from preview.checks.rules import PhraseSet, Rules
from tests.conftest import ROOT, corpus_templates, recipient, render

CASES = ROOT / "tests" / "quality" / "cases"


def texts() -> list[str]:
    """Visible text, subjects and preheaders of the shared corpus, the demo templates and the
    labelled cases, plus each rule phrase said plainly, pluralised and shouted."""
    out: list[str] = []
    sources = [(p.read_text(encoding="utf-8"), p.name) for p in [*corpus_templates(), *sorted((ROOT / "templates").glob("*.*"))]]
    for path in sorted(CASES.glob("*.yaml")):
        for key, text in (yaml.safe_load(path.read_text(encoding="utf-8")).get("campaigns") or {}).items():
            sources.append((text, f"{key}.mjml"))
    for text, name in sources:
        message = render(text, recipient(), name)
        out += [message.body_text, message.subject, message.preheader]
    rules = Rules()
    for name in rules.names:
        for entry in rules.entries(name):
            for key in ("phrases", "topic_phrases", "except"):
                for phrase in entry.get(key) or ():
                    out.append(f"Well, {phrase}! And then {phrase}s,\n{str(phrase).upper()}.")
    return [t for t in out if t]


@pytest.fixture(scope="module")
def sample() -> list[str]:
    return texts()


@pytest.mark.parametrize("name", Rules().names)
@pytest.mark.parametrize("key", ["phrases", "topic_phrases", "except"])
def test_same_matches_as_phrase_set(name, key, sample):
    rules = Rules()
    flat, fast = PhraseSet(rules.entries(name), key), IndexedPhraseSet(rules.entries(name), key)
    assert bool(flat) is bool(fast)
    for text in sample:
        expected = [(m.rule["id"], m.start, m.end, m.text) for m in flat.finditer(text)]
        assert [(m.rule["id"], m.start, m.end, m.text) for m in fast.finditer(text)] == expected, text


def test_order_between_phrases_sharing_a_place_is_kept():
    # Longest phrase first, whichever entry it is in; between equally long ones, entry order.
    entries = [{"id": "a", "phrases": ["congrat*", "your day"]}, {"id": "b", "phrases": ["congratulations graduate", "your da*"]}]
    for ordered in (entries, list(reversed(entries))):
        [m] = IndexedPhraseSet(ordered).finditer("Congratulations graduate")
        assert (m.rule["id"], m.text) == ("b", "Congratulations graduate")
    assert [m.rule["id"] for m in IndexedPhraseSet(entries).finditer("your day")] == ["a"]
    assert [m.rule["id"] for m in IndexedPhraseSet(list(reversed(entries))).finditer("your day")] == ["b"]


def test_compiled_once_per_rules_object(tmp_path: Path):
    rules = Rules()
    assert indexed(rules, "occasions") is indexed(rules, "occasions")
    assert indexed(Rules(), "occasions") is not indexed(rules, "occasions")
    empty = indexed(rules, "occasions", key="no_such_key")
    assert not empty and list(empty.finditer("Mother's Day")) == []
