"""Hostile templates end as render-error findings, quickly, without hanging or eating memory.

The hostile cases render in one child process with a memory cap and a wall-clock guard, so a
guard that fails shows up as a failed test instead of a frozen or swapping test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from preview.checks.registry import Registry
from tests.conftest import ROOT, codes, make, recipient, render, run_checks

# id -> (template body, the kind of render error it must end as)
HOSTILE = {
    "huge-range": ("{% for i in range(10**9) %}x{% endfor %}", "limit"),
    "nested-loops": ("{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}", "limit"),
    "nested-silent-loops": ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "limit"),
    "repeat-string": ("{{ 'x' * 10**9 }}", "limit"),
    "repeat-string-left": ("{{ 10**9 * 'x' }}", "limit"),
    "repeat-list": ("{{ ['x'] * 10**9 }}", "limit"),
    "repeat-refs": ("{% set b = 'x' * 1900000 %}{{ ([b] * 1000)|length }}", "limit"),
    "percent-width": ("{{ '%999999999d' % 1 }}", "limit"),
    "percent-star-width": ("{{ '%*d' % (999999999, 1) }}", "limit"),
    "format-method-width": ("{{ '{:>999999999}'.format(1) }}", "limit"),
    "format-filter-width": ("{{ '%999999999s'|format('x') }}", "limit"),
    "center-filter": ('{{ "x"|center(10**9) }}', "limit"),
    "indent-filter": ("{{ ('\\n' * 100000)|indent(1000) }}", "limit"),
    "ljust-method": ("{{ 'x'.ljust(10**9) }}", "limit"),
    "expandtabs": ("{{ ('\\t' * 1000000).expandtabs(100) }}", "limit"),
    "join-method": ("{% set b = 'x' * 1900000 %}{{ b.join(['a'] * 1000) }}", "limit"),
    "join-filter-generator": ("{% set b = 'x' * 1900000 %}{{ range(2)|map('string')|join(b * 1) ~ b }}", "limit"),
    "replace-filter": ("{{ ('a' * 100000)|replace('a', 'x' * 1000) }}", "limit"),
    "translate": ("{% set b = 'x' * 1900000 %}{{ 'aaaa'.translate({97: b}) }}", "limit"),
    "batch-fill": ("{% set b = 'x' * 1900000 %}{% for row in [1]|batch(1900000, b) %}{{ row }}{% endfor %}", "limit"),
    "concat-doubling": ("{% set ns = namespace(s='xx') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "limit"),
    "plus-doubling": ("{% set ns = namespace(s='xx') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", "limit"),
    "list-doubling": ("{% set ns = namespace(l=['x' * 1000]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", "limit"),
    "int-squaring": ("{% set ns = namespace(n=10**100) %}{% for i in range(100) %}{% set ns.n = ns.n * ns.n %}{% endfor %}", "limit"),
    "power": ("{{ 2 ** 100000000 }}", "limit"),
    "captured-block": ("{% set b = 'x' * 1900000 %}{% set x %}{% for i in range(100000) %}{{ b }}{% endfor %}{% endset %}", "limit"),
    "captured-static": ("{% set x %}{% for i in range(100000) %}" + "static text " * 20 + "{% endfor %}{% endset %}{{ x }}", "limit"),
    "filter-block": ("{% set b = 'x' * 1900000 %}{% filter upper %}{% for i in range(1000) %}{{ b }}{% endfor %}{% endfilter %}", "limit"),
    "printed-dict": ("{% set b = 'x' * 1900000 %}{{ {'a': b, 'b': b} }}", "limit"),
    "string-of-list": ("{% set b = 'x' * 1900000 %}{{ [b, b]|string }}", "limit"),
    "lipsum": ("{{ lipsum(10**6) }}", "limit"),
    "recursive-macro": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", "limit"),
    "branching-macro": ("{% macro f(n) %}{% if n < 60 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(1) }}", "limit"),
    "branching-inline-macro": ("{% macro f(n) %}{{ f(n + 1) ~ f(n + 1) if n < 60 else '' }}{% endmacro %}{{ f(1) }}", "limit"),
    "recursive-loop": ("{% for x in [[1, 1], [1, 1]] * 1000 recursive %}{{ loop([[1, 1]] * 1000) }}{% endfor %}", "limit"),
    "mro": ("{{ ''.__class__.__mro__ }}", "security"),
    "subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "security"),
    "globals": ("{{ cycler.__init__.__globals__ }}", "security"),
    "record-class": ("{{ recipient.__class__ }}", "security"),
    "record-private": ("{{ recipient._data }}", "security"),
    "list-private": ("{{ recipient.segments._data }}", "security"),
    "dunder-call": ("{{ recipient.first_name.__len__() }}", "security"),
    "dict-mutation": ("{{ {}.update(a=1) }}", "security"),
    "self-context": ("{{ self._TemplateReference__context }}", "security"),
    "attr-filter": ("{{ ''|attr('__class__') }}", "security"),
}

_CHILD = textwrap.dedent(
    """
    import json, resource, sys
    sys.path.insert(0, {root!r})
    # A guard that fails must fail here as MemoryError, not by swapping the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2_500_000_000, 2_500_000_000))
    from preview.contract.campaigns import parse_campaign
    from preview.rendering import CampaignRenderer, RenderSettings
    cases = json.loads(sys.stdin.read())
    settings = RenderSettings(time_limit=0.5)
    out = {{}}
    for name, body in cases.items():
        campaign = parse_campaign("---\\nsubject: Hi\\n---\\n" + body, "hostile.html")
        try:
            message = CampaignRenderer(campaign, settings).render({{"id": "r1", "email": "a@b.org", "segments": ["x"]}})
            out[name] = [[e.kind, e.part, e.line, e.message] for e in message.errors]
        except BaseException as exc:  # reported as a test failure, with the exception
            out[name] = [["crash", None, None, f"{{type(exc).__name__}}: {{exc}}"]]
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def hostile_results():
    cases = {name: body for name, (body, _) in HOSTILE.items()}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=str(ROOT))],
            input=json.dumps(cases),
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the hostile templates did not finish within 120 s: a guard is missing")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_template_is_a_render_error(hostile_results, name):
    _, kind = HOSTILE[name]
    errors = hostile_results[name]
    assert errors, f"{name} rendered without any error"
    assert errors[0][0] == kind, errors
    assert errors[0][1] == "html"
    # Line of the body in the campaign file: front matter takes lines 1-3.
    if kind == "security":
        assert errors[0][2] == 4


def test_hostile_render_becomes_a_blocking_finding_and_the_run_goes_on():
    campaign = make("{% if recipient.id == 'bad' %}{{ 'x' * 10**9 }}{% endif %}Hello", "t.html", subject="Hi")
    report, results = run_checks(campaign, [recipient("ok"), recipient("bad"), recipient("ok2")], Registry(entry_points=False))
    assert report.recipients_checked == 3
    assert [r.message.body_text for r in results] == ["Hello", "", "Hello"]
    assert codes(results[1].findings) >= {"RND004"}
    assert "RND004" not in codes(results[0].findings)
    assert report.verdict == "block"


def test_security_violation_becomes_finding_rnd005():
    campaign = make("Hi {{ recipient.__class__ }}", "t.html", subject="Hi")
    _, results = run_checks(campaign, [recipient()], Registry(entry_points=False))
    assert "RND005" in codes(results[0].findings)


@pytest.mark.parametrize(
    "expression",
    [
        "recipient.orders.append(1)",
        "recipient.attributes.update({'a': 1})",
        "recipient.attributes.pop('a')",
        "recipient.segments.pop()",
        "recipient.segments.clear()",
        "recipient.attributes.clear()",
        "recipient.attributes.setdefault('b', 2)",
    ],
)
def test_record_cannot_be_mutated(expression):
    record = recipient(orders=[], segments=["vip"], attributes={"a": 1})
    before = json.dumps(record, sort_keys=True)
    message = render("{{ " + expression + " }}", record, "t.html")
    assert message.errors, f"{expression} did not fail"
    assert message.errors[0].kind in ("template", "security")
    assert json.dumps(record, sort_keys=True) == before


def test_namespace_and_set_cannot_write_into_the_record():
    record = recipient(attributes={"a": 1})
    before = json.dumps(record, sort_keys=True)
    message = render(
        "{% set ns = namespace(x=recipient.attributes) %}{% set ns.x = 2 %}{{ ns.x }} {{ recipient.attributes.a }}",
        record,
        "t.html",
    )
    assert message.body_text == "2 1"
    assert json.dumps(record, sort_keys=True) == before


def test_ordinary_templates_pass_the_guards():
    """The guards must not refuse what real campaigns do: joins, loops, filters, formatting."""
    record = recipient(
        recommendations=[{"sku": f"s{i}", "name": f"Item {i}", "price": 10.5 + i} for i in range(6)],
        segments=["vip", "new"],
    )
    body = (
        "{% set names = recipient.recommendations|map(attribute='name')|list %}"
        "{{ names|join(', ') }}|{{ '%.2f'|format(recipient.recommendations[0].price) }}|"
        "{{ '{:>6}'.format('ab') }}|{{ recipient.first_name|center(9) }}|{{ 'a-' * 3 }}|"
        "{{ recipient.segments|join('/') ~ '!' }}|{{ (recipient.first_name ~ ' ' ~ recipient.last_name)|upper }}|"
        "{% for batch in recipient.recommendations|batch(4, '') %}[{{ batch|length }}]{% endfor %}|"
        "{{ lipsum(1, false, 3, 5)|length > 0 }}|{{ 2 ** 10 }}|{{ recipient.first_name|truncate(100) }}"
    )
    message = render(body, record, "t.html")
    assert message.errors == []
    assert message.parts["body"].text == (
        "Item 0, Item 1, Item 2, Item 3, Item 4, Item 5|10.50|    ab|   Ana   |a-a-a-|vip/new!|ANA LIMA|"
        "[4][4]|True|1024|Ana"
    )


def test_runtime_errors_carry_the_template_line():
    body = "line one\n{% for i in range(3) %}\n{{ recipient.first_name / i }}\n{% endfor %}\n"
    message = render(body, recipient(), "t.html", subject="Hi")
    assert message.errors[0].kind == "template"
    assert message.errors[0].line == 6  # 3 front-matter lines, then body line 3
