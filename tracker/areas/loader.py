"""Loads Vietnam's administrative units and the 2025 crosswalk from the package's data files.

Sources (package data, copied from the statistics office lists):
- ``units_2025-03-01.csv``: units before the reform (province → district → commune);
- ``units_2025-07-01.csv``: units from 2025-07-01 (province → commune);
- ``units_mapping_2025-07-01.csv``: old → new, ``full`` or ``partial``;
- ``earlier_changes.csv``: hand-checked changes, including mergers before 2025-03-01 (Duy Thu → Duy Tân
  on 2025-01-01) that the national lists no longer show, and the legal basis of the Duy Xuyên mergers.

Loading is idempotent: units already present (same code, level and start) are kept, and the reach
closure is recomputed. It runs on a synchronous connection so that a migration can call it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection

from tracker.areas.models import AreaReach, AreaSuccession, AreaUnit
from tracker.lib.text import search_key

REFORM_DATE = dt.date(2025, 7, 1)
_CHUNK = 2000

units = cast(Table, AreaUnit.__table__)
successions = cast(Table, AreaSuccession.__table__)
reach = cast(Table, AreaReach.__table__)


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("tracker.areas").joinpath(f"data/{name}").read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _chunks(items: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


@dataclass(frozen=True)
class _Key:
    code: str
    level: str
    valid_from: dt.date | None


def _existing(conn: Connection) -> dict[_Key, int]:
    rows = conn.execute(select(units.c.id, units.c.code, units.c.level, units.c.valid_from))
    return {_Key(r.code, r.level, r.valid_from): r.id for r in rows}


def _insert_level(
    conn: Connection,
    rows: list[dict[str, str]],
    *,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    parent_ids: dict[str, int],
    known: dict[_Key, int],
) -> dict[str, int]:
    """Inserts one level's units; returns code → id for that level (new and existing)."""
    new_rows = []
    for row in rows:
        key = _Key(row["code"], row["level"], valid_from)
        if key in known:
            continue
        new_rows.append(
            {
                "code": row["code"],
                "name": row["name"],
                "name_search": search_key(row["name"]),
                "type": row["type"],
                "level": row["level"],
                "parent_id": parent_ids.get(row["parent_code"]) if row["parent_code"] else None,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
        )
    for chunk in _chunks(new_rows):
        conn.execute(insert(units), chunk)
    fresh = _existing(conn)
    known.update(fresh)
    levels = {row["level"] for row in rows}
    return {k.code: i for k, i in fresh.items() if k.level in levels and k.valid_from == valid_from}


def load_units(conn: Connection) -> dict[str, int]:
    """Loads everything; returns counts of units, successions and reach rows."""
    known = _existing(conn)
    old = list(_rows("units_2025-03-01.csv"))
    new = list(_rows("units_2025-07-01.csv"))

    old_ids: dict[str, dict[str, int]] = {}
    parent_ids: dict[str, int] = {}
    for level in ("province", "district", "commune"):
        level_rows = [r for r in old if r["level"] == level]
        ids = _insert_level(conn, level_rows, valid_from=None, valid_to=REFORM_DATE, parent_ids=parent_ids, known=known)
        old_ids[level] = ids
        parent_ids = {**parent_ids, **ids}

    new_ids: dict[str, dict[str, int]] = {}
    parent_ids = {}
    for level in ("province", "commune"):
        level_rows = [r for r in new if r["level"] == level]
        ids = _insert_level(conn, level_rows, valid_from=REFORM_DATE, valid_to=None, parent_ids=parent_ids, known=known)
        new_ids[level] = ids
        parent_ids = {**parent_ids, **ids}

    links: dict[tuple[int, int], dict[str, Any]] = {}
    for row in _rows("units_mapping_2025-07-01.csv"):
        old_id = old_ids[row["level"]].get(row["old_code"])
        new_id = new_ids[row["level"]].get(row["new_code"])
        if old_id is None or new_id is None:
            continue
        links[(old_id, new_id)] = {
            "old_id": old_id,
            "new_id": new_id,
            "kind": row["merge_type"],
            "effective_date": REFORM_DATE,
            "legal_basis": None,
        }

    for row in _rows("earlier_changes.csv"):
        effective = dt.date.fromisoformat(row["effective_date"])
        if effective == REFORM_DATE:
            old_id = old_ids["commune"].get(row["old_code"])
            new_id = new_ids["commune"].get(row["new_code"])
            if old_id is not None and new_id is not None and (old_id, new_id) in links:
                links[(old_id, new_id)]["legal_basis"] = row["legal_basis"]
            continue
        # A merger before the national list's date: the absorbed unit is missing there; add it, ended.
        full_name = f"{row['old_type']} {row['old_name']}"
        key = _Key(row["old_code"], "commune", None)
        if key not in known:
            conn.execute(
                insert(units).values(
                    code=row["old_code"],
                    name=full_name,
                    name_search=search_key(full_name),
                    type=row["old_type"],
                    level="commune",
                    parent_id=old_ids["district"].get(row["old_parent_code"]),
                    valid_from=None,
                    valid_to=effective,
                )
            )
            known.update(_existing(conn))
        old_id = known[key]
        new_id = old_ids["commune"][row["new_code"]]
        links[(old_id, new_id)] = {
            "old_id": old_id,
            "new_id": new_id,
            "kind": row["merge_type"],
            "effective_date": effective,
            "legal_basis": row["legal_basis"],
        }

    present = {(r.old_id, r.new_id) for r in conn.execute(select(successions.c.old_id, successions.c.new_id))}
    missing = [v for k, v in links.items() if k not in present]
    for chunk in _chunks(missing):
        conn.execute(insert(successions), chunk)
    for (old_id, new_id), values in links.items():
        if (old_id, new_id) in present and values["legal_basis"]:
            conn.execute(
                update(successions)
                .where(successions.c.old_id == old_id, successions.c.new_id == new_id)
                .values(legal_basis=values["legal_basis"])
            )

    reach_rows = rebuild_reach(conn)
    return {"units": len(known), "successions": len(links), "reach": reach_rows}


def compute_reach(
    parents: dict[int, int | None],
    full_successors: dict[int, list[int]],
    predecessors: dict[int, list[int]],
) -> dict[int, set[int]]:
    """For each unit, the set of units whose scope covers it (its "ancestors", itself included).

    A unit is covered by: its parent chain; the unit(s) it was fully merged into (and theirs); and, for a
    unit created by a merger, every unit that covered all of its predecessors (so the office of a former
    district still covers the new communes made only of that district's communes). The graph may have
    cycles (a unit merged alone into a successor covers it and is covered by it): a search per unit.
    """
    own_chain: dict[int, set[int]] = {}

    def chain(unit: int) -> set[int]:
        if unit not in own_chain:
            parent = parents.get(unit)
            own_chain[unit] = {unit} | (chain(parent) if parent is not None else set())
        return own_chain[unit]

    edges: dict[int, set[int]] = defaultdict(set)
    for unit, parent in parents.items():
        if parent is not None:
            edges[unit].add(parent)
    for old, news in full_successors.items():
        edges[old].update(news)
    for new, olds in predecessors.items():
        common = set.intersection(*(chain(o) for o in olds)) if olds else set()
        edges[new].update(common)

    result: dict[int, set[int]] = {}
    for unit in parents:
        seen = {unit}
        queue = deque([unit])
        while queue:
            for nxt in edges.get(queue.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        result[unit] = seen
    return result


def rebuild_reach(conn: Connection) -> int:
    parents: dict[int, int | None] = {}
    starts: dict[int, dt.date | None] = {}
    for r in conn.execute(select(units.c.id, units.c.parent_id, units.c.valid_from)):
        parents[r.id] = r.parent_id
        starts[r.id] = r.valid_from
    full: dict[int, list[int]] = defaultdict(list)
    preds: dict[int, list[int]] = defaultdict(list)
    query = select(successions.c.old_id, successions.c.new_id, successions.c.kind, successions.c.effective_date)
    for r in conn.execute(query):
        # Only a unit created by the change is made of its predecessors; a unit that lived on and
        # absorbed another (Duy Tân taking in Duy Thu) is more than what merged into it.
        if starts.get(r.new_id) == r.effective_date:
            preds[r.new_id].append(r.old_id)
        if r.kind == "full":
            full[r.old_id].append(r.new_id)
    closure = compute_reach(parents, full, preds)
    conn.execute(delete(reach))
    rows = [{"ancestor_id": a, "unit_id": u} for u, ancestors in closure.items() for a in ancestors]
    for chunk in _chunks(rows):
        conn.execute(insert(reach), chunk)
    return len(rows)
