"""Fixed lists and rules of the OCOP programme, with Vietnamese and English labels.

- The product tree is versioned reference data: ``data/ocop_groups_148.csv`` holds the tree of
  148/QĐ-TTg (2023): 6 groups, their subgroups and the product sets (phân nhóm) that are scored. Each
  product keeps the version of the tree it was classified under, so a later tree can be loaded beside it.
  The older tree of 1048/QĐ-TTg (2019) had other groups (textiles and souvenirs as groups, rural tourism
  and sales) and is not loaded.
- Stars follow the score: <30 → 1★, 30–49 → 2★, 50–69 → 3★, 70–89 → 4★, 90–100 → 5★. The programme's
  "OCOP product" means 3★ and up.
- A certificate is valid for 36 months from its decision.
- Who recognises a product: 5★ the central council, 4★ the province; up to 3★ the province under
  1048/QĐ-TTg, the district under 148/QĐ-TTg (from 2023-02-24) and the province again under 1489/QĐ-TTg
  (from 2025-07-06; districts were abolished on 2025-07-01).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tracker.lib.i18n import Text

PRODUCER_KINDS: dict[str, Text] = {
    "doanh_nghiep": Text("Doanh nghiệp", "Enterprise"),
    "hop_tac_xa": Text("Hợp tác xã", "Cooperative"),
    "to_hop_tac": Text("Tổ hợp tác", "Cooperative group"),
    "ho_kinh_doanh": Text("Hộ sản xuất, hộ kinh doanh có đăng ký", "Registered household business"),
}
HOUSEHOLD = "ho_kinh_doanh"

LEVELS: dict[str, Text] = {
    "district": Text("Cấp huyện", "District"),
    "province": Text("Cấp tỉnh", "Province"),
    "central": Text("Cấp trung ương", "Central"),
}

CERTIFICATION_STATUSES: dict[str, Text] = {
    "active": Text("Còn hiệu lực", "Active"),
    "expired": Text("Hết hạn", "Expired"),
    "revoked": Text("Bị thu hồi", "Revoked"),
    "superseded": Text("Đã được thay thế", "Superseded"),
}
# What a person records; ``expired`` is computed from the dates.
STORED_STATUSES = ("active", "revoked", "superseded")

OCOP_MIN_STARS = 3
VALIDITY_MONTHS = 36
PROGRAMME_START = dt.date(2018, 5, 7)  # 490/QĐ-TTg approved the programme

DECISION_148 = dt.date(2023, 2, 24)
DISTRICTS_ABOLISHED = dt.date(2025, 7, 1)
DECISION_1489 = dt.date(2025, 7, 6)
# Councils set up under 1048/QĐ-TTg finished their rounds in the year after 148/QĐ-TTg: either level counts.
TRANSITION_148_END = dt.date(2024, 2, 24)

GROUP_NAMES_EN: dict[str, str] = {
    "1": "Food",
    "2": "Beverages",
    "3": "Medicinal herbs and herbal products",
    "4": "Handicrafts",
    "5": "Ornamental plants and animals",
    "6": "Community tourism, eco-tourism and tourist sites",
}

TREE_148 = "148/QĐ-TTg"
TREE_LABELS: dict[str, Text] = {
    TREE_148: Text("Bộ tiêu chí theo Quyết định 148/QĐ-TTg (2023)", "Criteria of Decision 148/QĐ-TTg (2023)"),
}
CURRENT_TREE = TREE_148


def stars_for_score(score: int) -> int:
    if score < 30:
        return 1
    if score < 50:
        return 2
    if score < 70:
        return 3
    if score < 90:
        return 4
    return 5


def score_range(stars: int) -> tuple[int, int]:
    return {1: (0, 29), 2: (30, 49), 3: (50, 69), 4: (70, 89), 5: (90, 100)}[stars]


def legal_basis(decision_date: dt.date) -> str:
    """The decision under which a recognition on this date was made."""
    if decision_date < DECISION_148:
        return "1048/QĐ-TTg"
    if decision_date < DECISION_1489:
        return "148/QĐ-TTg"
    return "1489/QĐ-TTg"


def expected_levels(stars: int, decision_date: dt.date) -> tuple[str, ...]:
    """The levels that may have recognised ``stars`` on this date (the first is the usual one)."""
    if stars >= 5:
        return ("central",)
    if stars == 4:
        return ("province",)
    if decision_date < DECISION_148:
        return ("province",)
    if decision_date < TRANSITION_148_END:
        return ("district", "province")
    if decision_date < DISTRICTS_ABOLISHED:
        return ("district",)
    return ("province",)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def valid_until(decision_date: dt.date) -> dt.date:
    return add_months(decision_date, VALIDITY_MONTHS)


def effective_status(stored: str, valid_until_date: dt.date, today: dt.date) -> str:
    if stored == "active" and valid_until_date < today:
        return "expired"
    return stored


@dataclass(frozen=True, slots=True)
class Node:
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class Tree:
    """One version of the OCOP product tree: groups → subgroups → product sets."""

    version: str
    groups: dict[str, Node]
    subgroups: dict[str, Node]
    sets: dict[str, Node]

    def group_name(self, code: str, lang: str = "vi") -> str:
        if lang == "en" and code in GROUP_NAMES_EN:
            return GROUP_NAMES_EN[code]
        node = self.groups.get(code)
        return node.name if node else code


@cache
def tree(version: str = CURRENT_TREE) -> Tree:
    if version != TREE_148:
        raise KeyError(version)
    text = resources.files("ocop").joinpath("data/ocop_groups_148.csv").read_text(encoding="utf-8")
    groups: dict[str, Node] = {}
    subgroups: dict[str, Node] = {}
    sets: dict[str, Node] = {}
    for row in csv.DictReader(text.splitlines()):
        groups.setdefault(row["group"], Node(row["group"], row["group_name"], None))
        subgroups.setdefault(row["subgroup"], Node(row["subgroup"], row["subgroup_name"], row["group"]))
        sets.setdefault(row["set"], Node(row["set"], row["set_name"], row["subgroup"]))
    return Tree(version=version, groups=groups, subgroups=subgroups, sets=sets)
