"""Bank statement parsing benchmark: our camt.053 and MT940 readers, lxml and the mt-940 library.

    python benchmarks/bank_parse.py [--transactions 100000] [--repeat 3] [--json FILE]

Generates the same seeded transactions (``_bankgen``) as one camt.053.001.08
file and one MT940 file, at two sizes (a fifth of ``--transactions`` and
``--transactions``), into a temporary folder. Then, each in a fresh
subprocess so that peak memory is honest, it times:

- ``lxml``: bare ``lxml.etree.parse`` of the camt file — the floor for any
  reader that builds a tree;
- ``camt``: ``encaisse.formats.bank.camt.iter_parse`` on the camt file;
- ``mt940``: ``encaisse.formats.bank.mt940.iter_parse`` on the MT940 file;
- ``mt-940 lib``: ``mt940.parse`` of the mt-940 library on the same MT940 file.

Each figure is the best of ``--repeat`` runs. Rates are computed from the
worker's CPU time (``time.process_time``), which other load on the machine
does not inflate; wall time is shown beside it. Peak RSS is ``ru_maxrss`` at
the end of the run, "growth" the part of it above the RSS after imports. A reader
whose memory is flat in the size of the file shows the same growth at both
sizes.

Targets: camt ≥ 50,000 transactions/s; our MT940 at least as fast as the
mt-940 library; memory flat in file size for both of our readers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _bankgen import write_camt053, write_mt940  # noqa: E402

TOOLS = ("lxml", "camt", "mt940", "mt-940 lib")
FILE_OF = {"lxml": "camt", "camt": "camt", "mt940": "mt940", "mt-940 lib": "mt940"}
TARGET_CAMT = 50_000


# --- the worker: one tool on one file, in its own process ----------------------------


def _rss_mb() -> float:
    # Linux reports ru_maxrss in KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _work(tool: str, path: Path) -> dict[str, Any]:
    if tool == "lxml":
        from lxml import etree

        baseline = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        tree = etree.parse(str(path))
        count = sum(1 for _ in tree.iter("{*}Ntry"))
    elif tool in ("camt", "mt940"):
        from encaisse.formats.bank.records import Transaction

        if tool == "camt":
            from encaisse.formats.bank.camt import iter_parse
        else:
            from encaisse.formats.bank.mt940 import iter_parse
        baseline = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        count = 0
        with path.open("rb") as stream:
            for record in iter_parse(stream, source=path.name):
                if isinstance(record, Transaction):
                    count += 1
    elif tool == "mt-940 lib":
        import logging

        import mt940

        logging.disable(logging.CRITICAL)
        baseline = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        count = len(mt940.parse(str(path)).transactions)
    else:
        raise SystemExit(f"unknown tool {tool}")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak = _rss_mb()
    return {
        "tool": tool,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "transactions": count,
        "peak_mb": peak,
        "growth_mb": peak - baseline,
    }


def _run_worker(tool: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", tool, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"tool": tool, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(done.stdout))


# --- the driver ----------------------------------------------------------------------------


def _measure(tool: str, path: Path, repeat: int) -> dict[str, Any]:
    runs = [_run_worker(tool, path) for _ in range(repeat)]
    failed = [r for r in runs if "error" in r]
    if failed:
        return failed[0]
    best = min(runs, key=lambda r: r["cpu_seconds"])
    best["seconds"] = min(r["seconds"] for r in runs)
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    best["growth_mb"] = max(r["growth_mb"] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        tool, file = args.worker
        print(json.dumps(_work(tool, Path(file))))
        return

    tools = [t for t in args.tools.split(",") if t]
    sizes = sorted({max(args.transactions // 5, 1), args.transactions})
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bank_parse_") as folder:
        for size in sizes:
            files = {
                "camt": Path(folder) / f"camt053_{size}.xml",
                "mt940": Path(folder) / f"mt940_{size}.sta",
            }
            start = time.perf_counter()
            write_camt053(files["camt"], size)
            write_mt940(files["mt940"], size)
            print(
                f"generated {size:,} transactions in {time.perf_counter() - start:.1f} s: "
                f"camt {files['camt'].stat().st_size / 1e6:.1f} MB, mt940 {files['mt940'].stat().st_size / 1e6:.1f} MB",
                flush=True,
            )
            for tool in tools:
                path = files[FILE_OF[tool]]
                result = _measure(tool, path, args.repeat)
                result.update(size=size, file_mb=path.stat().st_size / 1e6)
                results.append(result)
                print(f"  {tool}: {_row(result)}", flush=True)
    _print_table(results, tools, sizes)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def _row(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"not run: {r['error']}"
    return (
        f"{r['cpu_seconds']:.2f} s CPU ({r['seconds']:.2f} s wall), {r['size'] / r['cpu_seconds']:,.0f} tx/s, "
        f"{r['file_mb'] / r['cpu_seconds']:.1f} MB/s, peak RSS {r['peak_mb']:.0f} MB (+{r['growth_mb']:.0f} MB)"
    )


def _print_table(results: list[dict[str, Any]], tools: list[str], sizes: list[int]) -> None:
    print()
    header = (
        f"{'transactions':>12}  {'reader':<11} {'file MB':>8} {'CPU s':>7} {'wall s':>7} "
        f"{'tx/s':>9} {'MB/s':>7} {'peak MB':>8} {'growth MB':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if "error" in r:
            print(f"{r['size']:>12,}  {r['tool']:<11} not run: {r['error']}")
            continue
        print(
            f"{r['size']:>12,}  {r['tool']:<11} {r['file_mb']:>8.1f} {r['cpu_seconds']:>7.2f} {r['seconds']:>7.2f} "
            f"{r['size'] / r['cpu_seconds']:>9,.0f} {r['file_mb'] / r['cpu_seconds']:>7.1f} "
            f"{r['peak_mb']:>8.0f} {r['growth_mb']:>9.0f}"
        )
    print()
    by = {(r["tool"], r["size"]): r for r in results if "error" not in r}
    large, small = sizes[-1], sizes[0]
    for tool in tools:
        if (tool, large) in by and (tool, small) in by and small != large:
            a, b = by[(tool, small)]["growth_mb"], by[(tool, large)]["growth_mb"]
            print(f"memory growth {tool}: {a:.0f} MB at {small:,} -> {b:.0f} MB at {large:,} transactions")
    if ("camt", large) in by:
        rate = large / by[("camt", large)]["cpu_seconds"]
        print(
            f"camt {rate:,.0f} tx/s (target {TARGET_CAMT:,}): {'met' if rate >= TARGET_CAMT else 'NOT met'}"
        )
    if ("mt940", large) in by and ("mt-940 lib", large) in by:
        ours, theirs = by[("mt940", large)]["cpu_seconds"], by[("mt-940 lib", large)]["cpu_seconds"]
        print(
            f"MT940: ours {theirs / ours:.2f}x the speed of the mt-940 library: {'met' if ours <= theirs else 'NOT met'}"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
