"""How fast do the sampling strategies read an audience? The demo audience, the example campaigns.

    python benchmarks/bench_sampling.py              # 10,000 recipients, every template
    python benchmarks/bench_sampling.py -n 50000 --size 500

Recipients come from ``fixtures/demo_audience.py`` (generated before timing starts, so only the
strategy is timed). For each example campaign the branch-coverage strategy renders candidates
until every arm is reached or the audience ends; its scan rate (recipients rendered per second)
is what ``max_scan`` trades against. A second coverage pass with no early stop possible (a
template whose arms are not all reachable scans everyone anyway) is the honest worst case, so
the rate printed is over the candidates actually rendered. Pinned to one CPU.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from preview.contract import load_campaign  # noqa: E402 - after the path is set
from preview.rendering import CampaignRenderer  # noqa: E402
from preview.sampling import choose  # noqa: E402


def _demo():
    spec = importlib.util.spec_from_file_location("demo_audience_bench", ROOT / "fixtures" / "demo_audience.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="recipients in the audience")
    parser.add_argument("--size", type=int, default=200, help="sample size")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo audience")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    audience = _demo().generate(args.n, args.seed)
    templates = sorted(p for p in (ROOT / "templates").iterdir() if p.suffix in (".mjml", ".html"))
    print(f"{args.n:,} demo recipients, samples of {args.size}\n")

    any_renderer = CampaignRenderer(load_campaign(templates[0]))
    print(f"{'strategy':12} {'seconds':>8} {'recipients/s':>13}")
    for strategy in ("random", "stratified", "edge"):
        started = time.perf_counter()
        choose(strategy, iter(audience), size=args.size, seed=0, renderer=any_renderer)
        elapsed = time.perf_counter() - started
        print(f"{strategy:12} {elapsed:8.2f} {args.n / elapsed:13,.0f}")

    print(f"\n{'coverage':32} {'arms':>5} {'reached':>8} {'scanned':>8} {'seconds':>8} {'scanned/s':>10}")
    total_scanned = total_time = 0.0
    for path in templates:
        renderer = CampaignRenderer(load_campaign(path))
        started = time.perf_counter()
        sample = choose("coverage", iter(audience), size=args.size, seed=0, renderer=renderer)
        elapsed = time.perf_counter() - started
        report = sample.coverage
        reached = len(report.shown) + len(report.not_shown)
        rate = report.scanned / elapsed if elapsed else 0.0
        total_scanned += report.scanned
        total_time += elapsed
        print(f"{path.name:32} {len(report.arms):5} {reached:8} {report.scanned:8,} {elapsed:8.2f} {rate:10,.0f}")
        for line in report.lines()[1:]:
            print(f"    {line.strip()}")
    print(f"\ncoverage scan overall: {total_scanned / total_time:,.0f} recipients rendered per second")


if __name__ == "__main__":
    main()
