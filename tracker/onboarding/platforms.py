"""The platforms shipped as package data (``data/platforms.csv``) and the rules of a platform row.

The file restates the public knowledge of each marketplace's addresses (hosts, short-link hosts, the
shapes of product and shop paths, how sure each shape is) in the shape language of
:mod:`tracker.onboarding.urls`. The migration 0007_onboarding loads them; a later
revision adds new ones the same way, leaving the rows that administrators may have corrected alone.
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

from tracker.onboarding.models import Platform
from tracker.onboarding.urls import Rules, split_shapes


def shipped() -> list[dict[str, Any]]:
    text = resources.files("tracker.onboarding").joinpath("data/platforms.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append(
            {
                "key": row["key"],
                "name": row["name"],
                "operator": row["operator"] or None,
                "kind": "marketplace",
                "hosts": row["hosts"].split(),
                "short_link_hosts": row["short_link_hosts"].split(),
                "product_paths": list(split_shapes(row["product_paths"])),
                "shop_paths": list(split_shapes(row["shop_paths"])),
                "keep_params": row["keep_params"].split(),
                "confidence": row["confidence"] or None,
                "area_id": None,
                "active": True,
            }
        )
    return rows


def rules_of(platform: Platform) -> Rules:
    return Rules(
        key=platform.key,
        name=platform.name,
        hosts=tuple(platform.hosts),
        product_paths=tuple(platform.product_paths),
        shop_paths=tuple(platform.shop_paths),
        short_link_hosts=tuple(platform.short_link_hosts),
        keep_params=tuple(platform.keep_params),
    )
