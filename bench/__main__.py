"""`python -m bench` (`make bench`): measure, print the table and the targets, rewrite docs/performance.md.

Exits 1 when a target is not met. `--quick` trades precision for time (fewer runs, a smaller large table).
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs and 1,000 instead of 10,000 deals")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--rounds", type=int, help="fresh processes per function (default 7, quick 5)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 7)
    # The small table must fill every list shard beyond a page, or its list pages read fewer items than the large.
    small_deals, large_deals = 1_500, 3_000 if args.quick else 10_000
    iterations = 5 if args.quick else 9

    from bench import env

    for layer in ("billing", "sales", "kernel"):  # the layers, as Lambda mounts them on /opt/python
        if str(env.ROOT / "layers" / layer) not in sys.path:
            sys.path.insert(0, str(env.ROOT / "layers" / layer))
    env.configure()  # before anything imports `sales`

    from bench import cleanenv, coldpath, coldstart, costs, growth, package, report
    from bench.operations import CASES

    started = time.perf_counter()
    step = _stepper(started)

    step("bench venv (.venv-bench, no network)")
    bench_python = str(cleanenv.build())
    functions = coldstart.functions()
    by_folder = {function.folder: function for function in functions}

    step(f"cold starts: {len(functions)} functions + floor, {rounds} fresh processes each (.venv-bench)")
    clean = coldstart.measure(bench_python, ".venv-bench", functions, rounds, lambda_mode=("deal_get", "outbox_relay"))
    step(f"cold path: {len(functions)} functions + floor, import + first request against a moto server")
    cold_path = coldpath.measure(bench_python, functions, 3 if args.quick else 5)
    step("cold starts in the development .venv")
    dev = coldstart.measure(
        coldstart.dev_python(),
        ".venv",
        [by_folder[name] for name in ("deal_create", "outbox_relay")],
        5,
    )
    step("what the functions import (as in Lambda)")
    imported = coldstart.imported_modules(
        bench_python,
        [by_folder[name] for name in ("deal_create", "deal_list", "contact_create", "contact_list", "outbox_relay")],
    )

    step(f"requests, items and latency at {small_deals:,} deals")
    small = costs.run(small_deals, iterations)
    step(f"requests and items at {large_deals:,} deals (seeding)")
    large = costs.run(
        large_deals,
        1,
        cases=tuple(case for case in CASES if case.size_free or case.kind in ("command", "get")),
        hot_items=True,
    )

    step(f"local runtime: {growth.WRITES:,} writes over HTTP against `python -m local serve`")
    grown = growth.run()

    step("built layer")
    layer = package.built_layer()

    results = report.Results(
        clean=clean,
        dev=dev,
        cold_path=cold_path,
        small=small,
        large=large,
        layer=layer,
        imported=imported,
        clean_packages=cleanenv.describe(),
        growth=grown,
    )
    results.seconds = time.perf_counter() - started
    results.verdicts = report.evaluate(results)
    print(report.console(results))
    if not args.no_write:
        report.write(results)
        print(f"written to {report.DOC.relative_to(report.DOC.parents[1])}")
    return 0 if all(verdict.met for verdict in results.verdicts.values()) else 1


def _stepper(started: float):
    def step(message: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    return step


if __name__ == "__main__":
    raise SystemExit(main())
