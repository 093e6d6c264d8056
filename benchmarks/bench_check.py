"""How fast is ``preview check``? A real template, generated recipients, every registered check.

    python benchmarks/bench_check.py                       # 10,000 recipients, austin.mjml
    python benchmarks/bench_check.py -n 50000 --template ugg-royale.mjml --profile

The campaign is a template of the shared corpus (``../shared/corpus/mjml-templates``; the small
``benchmarks/newsletter.mjml`` when that folder is absent) with front matter, a greeting, a loop
over the recipient's recommendations and a conditional on a life event put around it. Recipients
come from the seeded generator below (names, orders with gifts and returns, life events of every
provenance, recommendations), so checks see the data they fire on. Everything runs in this one
process, pinned to one CPU, streaming: each recipient is generated, checked and dropped.

Printed: recipients per second of CPU time (and of wall time, which other processes on a shared
machine lower), the first recipient's time apart (it compiles the rule files), MJML layouts
compiled, memory (peak RSS, and the RSS growth over the second half of the run), and then, from a
second pass over the same recipients with every stage timed (``--no-stages`` skips it; timing 77
checks a recipient costs a tenth of the run, so the first pass is not timed), CPU time per stage
(render, each check family, the run's finish) and the slowest checks. The report keeps every
per-recipient finding (about 1 KB each) unless ``--stream`` asks it to count them, as a run that
stores its results does.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from preview.checks.registry import Registry  # noqa: E402 - after the path is set
from preview.contract.campaigns import parse_campaign  # noqa: E402
from preview.pipeline import CheckRun  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "mjml-templates"
BUNDLED = Path(__file__).resolve().parent / "newsletter.mjml"
SEND_DATE = dt.date(2026, 12, 1)

FRONT = """---
name: Benchmark picks
subject: "{{ recipient.first_name | default('Hello', true) }}, new picks for you"
preheader: "Fresh finds for {{ recipient.first_name | default('you', true) }}"
from_name: Acme Home
---
"""
PERSONAL = """
<mj-text>Hi {{ recipient.first_name | default('there', true) }},</mj-text>
{% for item in recipient.recommendations[:3] %}
  <mj-image src="{{ item.image }}" alt="{{ item.name }}" href="{{ item.url }}" width="120px" height="120px" />
  <mj-text><a href="{{ item.url }}">{{ item.name }}</a> {% if item.price %}${{ '%.2f'|format(item.price) }}{% endif %}</mj-text>
{% endfor %}
{% if recipient.life_events|selectattr('type', 'equalto', 'new_home')|list %}
  <mj-text>Settling in? Everything for your new place is 10% off this week.</mj-text>
{% endif %}
"""

FIRST = ["Ana", "Bo", "Chidi", "Dana", "Élodie", "Farah", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Yara", "Zoë"]
LAST = ["Lima", "Okafor", "Nguyen", "Smith", "García", "Kowalski", "Haddad", "Tanaka", "Müller", "O'Brien"]
PRODUCTS = [("Oak side table", "home/furniture"), ("Linen throw", "home/textiles"), ("Ceramic vase", "home/decor"), ("Desk lamp", "home/lighting"),
            ("Baby blanket", "baby/nursery"), ("Wool socks", "apparel/socks"), ("Scented candle", "home/fragrance"), ("Coffee grinder", "kitchen/coffee")]
EVENTS = ["new_home", "wedding", "pregnancy", "new_baby", "birthday", "graduation", "bereavement", "retirement"]
SOURCES = ["declared", "observed", "inferred", "third_party"]


def recipients(n: int, seed: int = 7):
    """``n`` varied, schema-valid recipients, generated one at a time."""
    rng = random.Random(seed)
    for i in range(n):
        first = rng.choice(FIRST) if rng.random() > 0.05 else None
        rec = {
            "id": f"r{i}",
            "email": f"user{i}@mail.acme-test.org",
            "first_name": first,
            "last_name": rng.choice(LAST),
            "birth_date": f"{rng.randint(1950, 2008)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "locale": "en-US",
            "segments": rng.sample(["vip", "new", "lapsed", "newsletter"], rng.randint(0, 2)),
            "attributes": {"points": rng.randint(0, 5000), "tier": rng.choice(["Gold", "Silver", "Bronze"])},
        }
        if rng.random() < 0.3:
            event = {"type": rng.choice(EVENTS), "source": rng.choice(SOURCES), "date": "2026-10-01"}
            if event["source"] == "inferred":
                event.update(confidence=round(rng.random(), 2), evidence=f"{rng.randint(3, 30)} related pins in 30 days")
            rec["life_events"] = [event]
        orders = []
        for o in range(rng.randint(0, 3)):
            items = []
            for _ in range(rng.randint(1, 3)):
                name, category = rng.choice(PRODUCTS)
                item = {"sku": f"SKU{rng.randint(1, 400)}", "name": name, "category": category, "price": round(rng.uniform(5, 300), 2)}
                if rng.random() < 0.1:
                    item["gift"] = True
                if rng.random() < 0.05:
                    item.update(returned=True, return_date="2026-11-20", return_reason="did not fit")
                items.append(item)
            orders.append({"id": f"o{i}-{o}", "date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}", "items": items})
        if orders:
            rec["orders"] = orders
        recs = []
        for _ in range(rng.randint(0, 6)):
            name, category = rng.choice(PRODUCTS)
            recs.append({
                "sku": f"REC{rng.randint(1, 400)}", "name": name, "category": category,
                "url": f"https://www.acme-home.com/p/{rng.randint(1, 400)}?utm_source=email",
                "image": f"https://cdn.acme-home.com/p/{rng.randint(1, 400)}.jpg",
                "price": round(rng.uniform(5, 300), 2),
                "reason": {"type": rng.choice(["purchase", "view", "bestseller", "trending"])},
            })
        rec["recommendations"] = recs
        yield rec


def campaign_source(template: str) -> tuple[str, str]:
    """The campaign text (front matter + personalized template) and where the template came from."""
    path = CORPUS / template
    if not path.is_file():
        path = BUNDLED
    source = path.read_text(encoding="utf-8")
    column = re.search(r"<mj-column\b[^>]*>", source)
    body = source[: column.end()] + PERSONAL + source[column.end() :]
    return FRONT + body, str(path)


def rss_kb() -> int:
    """Resident memory of this process now, in KB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--recipients", type=int, default=10_000)
    parser.add_argument("--template", default="austin.mjml", help="a file of the shared corpus")
    parser.add_argument("--profile", action="store_true", help="print the top functions by own time (cProfile)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    parser.add_argument("--no-stages", action="store_true", help="skip the second, timed pass (time per stage and per check)")
    parser.add_argument("--stream", action="store_true", help="count per-recipient findings instead of keeping them in the report (a stored run)")
    args = parser.parse_args(argv)
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})

    text, where = campaign_source(args.template)
    started = time.perf_counter()
    registry = Registry()  # every built-in family and every installed plugin
    campaign = parse_campaign(text, "bench.mjml")
    run = CheckRun(campaign, registry=registry, send_date=SEND_DATE, keep_findings=not args.stream)
    setup = time.perf_counter() - started

    profiler = cProfile.Profile() if args.profile else None
    n = args.recipients
    half = n // 2
    rss_half = 0
    blocks = warns = 0
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    started_cpu = time.process_time()
    generating = generating_cpu = 0.0
    first_cpu = 0.0
    people = recipients(n)
    for index in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        person = next(people)
        generating += time.perf_counter() - t0
        generating_cpu += time.process_time() - c0
        result = run.check(person)
        verdict = result.verdict
        blocks += verdict == "block"
        warns += verdict == "warn"
        if index == 0:
            first_cpu = time.process_time() - started_cpu - generating_cpu
        if index == half:
            rss_half = rss_kb()
    report = run.finish()
    elapsed = time.perf_counter() - started - generating
    cpu = time.process_time() - started_cpu - generating_cpu
    if profiler:
        profiler.disable()
    rss_end = rss_kb()

    print(f"template      {where} ({len(text):,} characters with personalization)")
    print(f"checks        {len(run.checks)} enabled; registry and campaign set up in {setup:.2f} s")
    print(f"recipients    {n:,} in {cpu:.2f} s of CPU  ->  {n / cpu:,.0f} recipients/second on one core")
    print(f"              ({elapsed:.2f} s of wall time, {n / elapsed:,.0f}/s: lower when other processes share the core)")
    if n > 1:
        print(f"              the first recipient took {first_cpu:.2f} s (rule files compiled); the others {(n - 1) / (cpu - first_cpu):,.0f}/s")
    print(f"layouts       {run.renderer.layout_compiles} MJML compiles for {n:,} renders")
    print(f"verdicts      {blocks:,} block, {warns:,} warn; report holds {len(report.findings):,} findings"
          + (f" and counted {report.omitted:,} more" if report.omitted else ""))
    print(f"memory        peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"RSS {rss_half / 1024:.0f} MB at {half:,} recipients, {rss_end / 1024:.0f} MB at {n:,}")
    if not args.no_stages:
        _stages(campaign, registry, n, args.stream)
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


def _stages(campaign, registry, n: int, stream: bool) -> None:
    """A second pass over the same recipients with every stage timed: where the CPU time goes."""
    run = CheckRun(campaign, registry=registry, send_date=SEND_DATE, timed=True, keep_findings=not stream)
    for person in recipients(n):
        run.check(person)
    run.finish()
    times = run.times
    checks_total = sum(times.checks.values())
    families: dict[str, float] = {}
    for c in run.checks:
        families[c.spec.family] = families.get(c.spec.family, 0.0) + times.checks.get(c.spec.code, 0.0)
    print("stages        of a second pass with each stage timed (CPU; the timing itself adds to 'checks'):")
    print(f"  render      {times.render:7.2f} s  {times.render / n * 1e6:7.1f} us/recipient")
    print(f"  checks      {checks_total:7.2f} s  {checks_total / n * 1e6:7.1f} us/recipient")
    print(f"  finish      {times.finish:7.2f} s   (whole-run checks)")
    print("families      " + ", ".join(f"{name} {sec / n * 1e6:.0f}us" for name, sec in sorted(families.items(), key=lambda kv: -kv[1])))
    print("slowest       " + ", ".join(f"{code} {sec / n * 1e6:.0f}us" for code, sec in times.slowest(8)))


if __name__ == "__main__":
    sys.exit(main())
