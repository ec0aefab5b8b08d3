"""The load tool keeps working: a short run against the real service, and its ledger check catches differences."""

from __future__ import annotations

import json
from pathlib import Path

from bench.load import MIX, WRITES, _compare, main


def test_a_short_run_on_sqlite_agrees_with_its_ledger(tmp_path: Path) -> None:
    out, figures = tmp_path / "load.md", tmp_path / "load.json"
    main(
        [
            "--seconds",
            "3",
            "--clients",
            "10",
            "--backends",
            "sqlite",
            "--vendors",
            "300",
            "--out",
            str(out),
            "--json",
            str(figures),
        ]
    )
    (result,) = json.loads(figures.read_text())
    assert result["backend"] == "sqlite"
    assert result["workers"] == 1
    assert result["clients"] == 10
    assert set(result["kinds"]) == set(MIX)
    for figures_of_kind in result["kinds"].values():
        assert {"requests", "rps", "p50_ms", "p95_ms", "p99_ms", "outcomes"} <= set(figures_of_kind)
    reads = sum(k["requests"] for name, k in result["kinds"].items() if name not in WRITES)
    writes = sum(k["requests"] for name, k in result["kinds"].items() if name in WRITES)
    assert reads > writes > 0
    assert result["rps"] > 0
    assert {"machine", "errors", "failures"} <= set(result)
    ledger = result["ledger"]
    assert ledger["ok"], ledger["problems"]
    assert ledger["registrations_acknowledged"] > 0
    assert ledger["vendors_added"] == ledger["registrations_acknowledged"] + ledger["registrations_unknown_committed"]
    text = out.read_text()
    assert "| sqlite | register |" in text
    assert "✅ agrees" in text


def test_the_ledger_check_names_every_difference() -> None:
    before = {
        1: ("registered", 1, 1),
        2: ("registered", 1, 1),
        3: ("active", 4, 3),
        4: ("paused", 2, 2),
        5: ("registered", 1, 1),
    }
    acks = {
        1: [(1, "qr_issued", 2), (2, "active", 3)],  # both kept: agrees
        2: [(1, "qr_issued", 2)],  # acknowledged, then lost
    }
    after = {
        1: ("active", 3, 3),
        2: ("registered", 1, 1),
        3: ("paused", 5, 4),  # changed although no change was acknowledged
        4: ("registered", 3, 3),  # an unanswered change that committed: accepted
        5: ("qr_issued", 2, 2),  # answered with a server error, committed all the same
    }
    problems: list[str] = []
    counts = _compare("vendor", before, after, acks, {4: ["registered"]}, problems, {5: ["qr_issued"]})
    assert counts == {"records_changed": 2, "acknowledged": 3, "refused_committed": 1}
    assert len(problems) == 3
    assert problems[0].startswith("vendor 2: 1 acknowledged change(s)")
    assert problems[1].startswith("vendor 3: 0 acknowledged change(s)")
    assert problems[2] == "vendor 5: a change to 'qr_issued' was answered with a server error, yet it committed"
