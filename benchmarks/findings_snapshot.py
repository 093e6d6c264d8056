"""Regression tool for speed work: the findings of fixed runs, saved and compared exactly.

    python benchmarks/findings_snapshot.py save /tmp/before        # before a change
    python benchmarks/findings_snapshot.py compare /tmp/before     # after it: exit 1 on any difference

In a working tree others edit too, save from a clean export of the commit before the change
(``git archive HEAD | tar -x -C /tmp/base``, next to a link to ``../shared`` for the corpus) and
compare here: the reports name templates relative to the checkout, so the files compare.

The runs: every campaign of ``templates/`` against the demo audience
(``fixtures/demo_audience.py``, ``generate(3000)``), and the benchmark's campaign
(``bench_check.py``: corpus templates with personalization) against its generated recipients.
Each run's whole JSON report is written, findings in the order they came, so a change that
alters what any check finds, the evidence, the lineage or even the order shows up as a diff.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_check import SEND_DATE, campaign_source, recipients  # noqa: E402 - after the path is set

from preview.checks.registry import Registry  # noqa: E402
from preview.contract.campaigns import load_campaign, parse_campaign  # noqa: E402
from preview.pipeline import CheckRun  # noqa: E402

BENCH_TEMPLATES = ("austin.mjml", "ugg-royale.mjml", "happy-new-year.mjml")


def _demo_audience(n: int) -> list[dict]:
    path = ROOT / "fixtures" / "demo_audience.py"
    spec = importlib.util.spec_from_file_location("demo_audience", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(n)


def runs(n_demo: int, n_bench: int):
    """``(name, campaign, send_date, recipients)`` of every run of the snapshot."""
    audience = _demo_audience(n_demo)
    for path in sorted((ROOT / "templates").iterdir()):
        if path.suffix in (".mjml", ".html"):
            campaign = load_campaign(path)
            yield path.stem, campaign, campaign.send_date, audience
    for template in BENCH_TEMPLATES:
        text, where = campaign_source(template)
        if not where.endswith(template):
            continue  # the shared corpus is absent
        yield f"bench-{Path(template).stem}", parse_campaign(text, "bench.mjml"), SEND_DATE, list(recipients(n_bench))


def report_of(campaign, send_date, people: list[dict]) -> dict:
    """The JSON report of one run, as ``preview check --format json`` would build it."""
    run = CheckRun(campaign, registry=Registry(), send_date=send_date)
    for person in people:
        run.check(person)
    report = run.finish().to_dict()
    # The same run from another checkout of the repository gives the same file.
    template = str(report["campaign"].get("template") or "")
    if template.startswith(str(ROOT)):
        report["campaign"]["template"] = template[len(str(ROOT)) + 1 :]
    return report


def save(folder: Path, n_demo: int, n_bench: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, campaign, send_date, people in runs(n_demo, n_bench):
        started = time.perf_counter()
        report = report_of(campaign, send_date, people)
        (folder / f"{name}.json").write_text(json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{name:28} {len(report['findings']):7,} findings  {time.perf_counter() - started:6.1f} s")


def compare(folder: Path, n_demo: int, n_bench: int) -> int:
    differ = 0
    for name, campaign, send_date, people in runs(n_demo, n_bench):
        saved = folder / f"{name}.json"
        if not saved.is_file():
            print(f"{name}: no saved report in {folder}")
            differ += 1
            continue
        started = time.perf_counter()
        now = json.dumps(report_of(campaign, send_date, people), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        before = saved.read_text(encoding="utf-8")
        took = time.perf_counter() - started
        if now == before:
            print(f"{name:28} identical  {took:6.1f} s")
            continue
        differ += 1
        print(f"{name:28} DIFFERS")
        diff = difflib.unified_diff(before.splitlines(), now.splitlines(), "before", "now", lineterm="", n=4)
        for i, line in enumerate(diff):
            if i >= 80:
                print("  ...")
                break
            print("  " + line)
    return 1 if differ else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--demo", type=int, default=3000, help="demo recipients per template")
    parser.add_argument("--bench", type=int, default=2000, help="generated recipients per benchmark template")
    args = parser.parse_args(argv)
    if args.action == "save":
        save(args.folder, args.demo, args.bench)
        return 0
    return compare(args.folder, args.demo, args.bench)


if __name__ == "__main__":
    sys.exit(main())
