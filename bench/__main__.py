"""``make bench``: runs every benchmark, then assembles docs/benchmarks.md from their fragments.

Each benchmark module writes its own Markdown fragment to docs/benchmarks/<name>.md, so one can be
re-run alone (``python -m bench.api``) and the page re-assembled (``python -m bench --assemble``).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = ROOT / "docs" / "benchmarks"
PAGE = ROOT / "docs" / "benchmarks.md"
# The order of the page; fragments of benchmarks not listed here follow in name order.
ORDER = ["api", "posters", "poster_endpoints", "imports", "reports", "load"]
NOT_BENCHMARKS = {"__main__", "bare_app", "dataset", "wrk"}

HEADER = """# Benchmarks

Speed goals are checked here, by benchmarks run on purpose, never by timed tests (CI machines are
noisy). Every figure below was produced by `make bench` (or the module named in its section) on the
machine described in the section; re-running them rewrites this page.
"""


def benchmark_modules() -> list[str]:
    found = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name not in NOT_BENCHMARKS]
    return sorted(found, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))


def assemble() -> None:
    names = sorted(p.stem for p in FRAGMENTS.glob("*.md"))
    names.sort(key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
    parts = [HEADER] + [(FRAGMENTS / f"{name}.md").read_text().strip() + "\n" for name in names]
    PAGE.write_text("\n".join(parts))
    print(f"written {PAGE.relative_to(ROOT)} from {len(names)} fragment(s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assemble", action="store_true", help="only rebuild docs/benchmarks.md")
    parser.add_argument("--only", help="comma-separated benchmark names")
    args = parser.parse_args()
    if not args.assemble:
        names = args.only.split(",") if args.only else benchmark_modules()
        for name in names:
            started = time.perf_counter()
            print(f"== bench.{name}", flush=True)
            module = importlib.import_module(f"bench.{name}")
            # Each benchmark's own defaults; modules that take arguments get none from here.
            module.main(*([[]] if inspect.signature(module.main).parameters else []))
            print(f"== bench.{name} done in {time.perf_counter() - started:.0f} s", flush=True)
    assemble()


if __name__ == "__main__":
    main()
