"""How the words people write in an OCOP spreadsheet map to the domain's values: producer kinds, the
product tree, levels, stars, and the producers a row names. Every comparison folds text with ``search_key``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.models import Producer
from ocop.reference import CURRENT_TREE, LEVELS, PRODUCER_KINDS, Node, tree
from ocop.scope import visible
from tracker.accounts.actor import Actor
from tracker.lib.exceptions import FieldProblem
from tracker.lib.i18n import Text
from tracker.lib.text import search_key

LIST_SEPARATOR = " — "  # "1.3 — Chế biến...", "CT00001 — HTX ...": how the template's lists show items
IN_CHUNK = 500
REPEATED_ROW = Text("Dòng này lặp lại dòng {row} của tệp.", "This row repeats row {row} of the file.")


def choice_index(labels: dict[str, Text]) -> dict[str, str]:
    """Folded key, Vietnamese label and English label → key."""
    index: dict[str, str] = {}
    for key, label in labels.items():
        for name in (key, label.vi, label.en):
            index[search_key(name)] = key
    return index


PRODUCER_KIND_INDEX = choice_index(PRODUCER_KINDS)
# "Hộ kinh doanh" and "Hộ sản xuất" alone are what most lists write.
PRODUCER_KIND_INDEX.update({search_key("Hộ kinh doanh"): "ho_kinh_doanh", search_key("Hộ sản xuất"): "ho_kinh_doanh"})
PRODUCER_KIND_INDEX.update({"htx": "hop_tac_xa", "dn": "doanh_nghiep", "tht": "to_hop_tac", "hkd": "ho_kinh_doanh"})
LEVEL_INDEX = choice_index(LEVELS)
LEVEL_INDEX.update(
    {search_key(n): k for k, n in (("district", "Huyện"), ("province", "Tỉnh"), ("central", "Trung ương"))}
)


def from_choices(index: dict[str, str], raw: str) -> str:
    """The key for a label; the text itself when it is none (the API's own check then refuses it)."""
    return index.get(search_key(raw), raw.strip())


def listed(nodes: Iterable[Node]) -> list[str]:
    return [f"{n.code}{LIST_SEPARATOR}{n.name}" for n in nodes]


def tree_code(raw: str, nodes: dict[str, Node]) -> str:
    """A node of the product tree by its code ("1.3"), the template's "1.3 — name", or its name."""
    text = raw.strip()
    if LIST_SEPARATOR in text:
        text = text.split(LIST_SEPARATOR, 1)[0].strip()
    if text in nodes:
        return text
    folded = search_key(text)
    for node in nodes.values():
        if search_key(node.name) == folded:
            return node.code
    return text


def tree_lists() -> dict[str, list[str]]:
    current = tree(CURRENT_TREE)
    return {
        "ocop_groups": listed(current.groups.values()),
        "ocop_subgroups": listed(current.subgroups.values()),
        "ocop_sets": listed(current.sets.values()),
    }


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class ProducerIndex:
    """The producers that an import's rows name (by code, tax code or exact name), as the actor sees them."""

    def __init__(self, producers: Iterable[Producer]) -> None:
        self.by_code: dict[str, Producer] = {}
        self.by_tax: dict[str, Producer] = {}
        self.by_name: dict[str, list[Producer]] = {}
        for p in producers:
            self.by_code[p.code] = p
            if p.tax_code:
                self.by_tax[p.tax_code] = p
            self.by_name.setdefault(p.name_search, []).append(p)

    @classmethod
    async def load(cls, session: AsyncSession, actor: Actor, cells: Iterable[str]) -> ProducerIndex:
        words = sorted({_producer_word(c) for c in cells if c and c.strip()})
        found: list[Producer] = []
        for start in range(0, len(words), IN_CHUNK):
            chunk = words[start : start + IN_CHUNK]
            found += await session.scalars(
                select(Producer).where(
                    or_(
                        Producer.code.in_([w.upper() for w in chunk]),
                        Producer.tax_code.in_(chunk),
                        Producer.name_search.in_([search_key(w) for w in chunk]),
                    ),
                    visible(actor, Producer.id, Producer.area_id),
                )
            )
        return cls(found)

    def find(self, raw: str) -> Producer | None:
        word = _producer_word(raw)
        found = self.by_code.get(word.upper()) or self.by_tax.get(word.replace(" ", ""))
        if found is None:
            named = self.by_name.get(search_key(word), [])
            found = named[0] if len(named) == 1 else None
        return found


def _producer_word(raw: str) -> str:
    text = raw.strip()
    return text.split(LIST_SEPARATOR, 1)[0].strip() if LIST_SEPARATOR in text else text


UNKNOWN_PRODUCER = FieldProblem(
    "producer",
    Text(
        "Không tìm thấy chủ thể (ghi mã chủ thể, mã số thuế hoặc đúng tên) trong địa bàn của bạn.",
        "No such producer in your area (give its code, tax code or exact name).",
    ),
    "unknown_producer",
)
