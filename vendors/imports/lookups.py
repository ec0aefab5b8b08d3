"""How the words people write in a spreadsheet map to the vendor domain's values: banks, goods categories,
market kinds and markets. Every comparison folds text with ``search_key``."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from qr.banks import BankDirectory
from tracker.accounts.actor import Actor
from tracker.areas.scope import visible_to
from tracker.lib.i18n import Text
from tracker.lib.text import search_key
from vendors.models import Market
from vendors.reference import GOODS_CATEGORIES, MARKET_KINDS

LIST_SEPARATOR = " — "  # "Vietcombank — 970436", "NP — Chợ Nam Phước": how the template's lists show items
_TRAILING_BIN = re.compile(r"(\d{6})\s*$")


def bank_choices(banks: BankDirectory) -> list[str]:
    return [f"{bank.short_name}{LIST_SEPARATOR}{bank.bin}" for bank in sorted(banks, key=lambda b: b.short_name)]


class BankIndex:
    """A bank by BIN, code or short name (accents and case ignored), or as the template's list shows it."""

    def __init__(self, banks: BankDirectory) -> None:
        self.banks = banks
        self._by_name: dict[str, str] = {}
        for bank in banks:
            for name in (bank.code, bank.short_name):
                self._by_name.setdefault(search_key(name), bank.bin)

    def resolve(self, raw: str) -> str | None:
        text = raw.strip()
        if text in self.banks:
            return text
        listed = _TRAILING_BIN.search(text)
        if listed and listed[1] in self.banks:
            return listed[1]
        return self._by_name.get(search_key(text))


def choice_index(labels: dict[str, Text]) -> dict[str, str]:
    """Folded key, Vietnamese label and English label → key."""
    index: dict[str, str] = {}
    for key, label in labels.items():
        for name in (key, label.vi, label.en):
            index[search_key(name)] = key
    return index


GOODS_INDEX = choice_index(GOODS_CATEGORIES)
MARKET_KIND_INDEX = choice_index(MARKET_KINDS)


def from_choices(index: dict[str, str], raw: str) -> str:
    """The key for a label; the text itself when it is none (the API's own check then refuses it)."""
    return index.get(search_key(raw), raw.strip())


def market_words(raw: str) -> tuple[str, str]:
    """A market cell as (code, folded name): "NP", "Chợ Nam Phước" or "NP — Chợ Nam Phước"."""
    text = raw.strip()
    if LIST_SEPARATOR in text:
        text = text.split(LIST_SEPARATOR, 1)[0].strip()
    return text.upper(), search_key(text)


class MarketIndex:
    """The markets that an import's rows name, looked up in one query, with what the actor may see."""

    def __init__(self, markets: Iterable[Market], visible: set[int]) -> None:
        self.by_code: dict[str, Market] = {}
        self.by_name: dict[str, list[Market]] = defaultdict(list)
        self.visible = visible
        for market in markets:
            self.by_code[market.code] = market
            self.by_name[market.name_search].append(market)

    @classmethod
    async def load(cls, session: AsyncSession, actor: Actor, cells: Iterable[str]) -> MarketIndex:
        words = [market_words(c) for c in cells if c and c.strip()]
        codes = sorted({code for code, _ in words})
        names = sorted({name for _, name in words})
        if not words:
            return cls([], set())
        found = list(
            await session.scalars(select(Market).where(or_(Market.code.in_(codes), Market.name_search.in_(names))))
        )
        visible = set(
            await session.scalars(
                select(Market.id).where(Market.id.in_([m.id for m in found]), visible_to(actor, Market.area_id))
            )
        )
        return cls(found, visible)

    def find(self, raw: str) -> tuple[Market | None, bool]:
        """The market a cell names and whether the actor may use it; (None, False) if unknown or ambiguous."""
        code, name = market_words(raw)
        market = self.by_code.get(code)
        if market is None:
            candidates = self.by_name.get(name, [])
            visible = [m for m in candidates if m.id in self.visible]
            if len(visible) == 1:
                market = visible[0]
            elif len(candidates) == 1:
                market = candidates[0]
        if market is None:
            return None, False
        return market, market.id in self.visible
