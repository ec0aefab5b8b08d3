"""The VietQR (NAPAS) bank directory: 6-digit BIN, code, short name and full name.

The directory ships as package data (``qr/data/vietqr_banks.csv``). An operator adds or corrects a bank
without a code change by pointing :func:`load_directory` at an extra CSV file with the same columns;
rows in the extra file win over the shipped ones with the same BIN.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from qr.text import strip_marks

COLUMNS = ("bin", "code", "short_name", "name")


class BankDirectoryError(ValueError):
    """A bank directory file that cannot be used."""


@dataclass(frozen=True, slots=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str

    def matches(self, folded_query: str) -> bool:
        haystack = " ".join((self.bin, self.code, self.short_name, strip_marks(self.name))).casefold()
        return folded_query in haystack


class BankDirectory:
    """An immutable lookup of banks by BIN, in BIN order."""

    def __init__(self, banks: Iterable[Bank]) -> None:
        self._by_bin: dict[str, Bank] = {}
        for bank in banks:
            self._by_bin[bank.bin] = bank
        self._by_bin = dict(sorted(self._by_bin.items()))

    def __len__(self) -> int:
        return len(self._by_bin)

    def __iter__(self) -> Iterator[Bank]:
        return iter(self._by_bin.values())

    def __contains__(self, bin_: object) -> bool:
        return bin_ in self._by_bin

    def get(self, bin_: str) -> Bank | None:
        return self._by_bin.get(bin_)

    def search(self, query: str) -> list[Bank]:
        """Banks whose BIN, code, short name or full name contains the query, accents and case ignored."""
        folded = strip_marks(query).casefold().strip()
        if not folded:
            return list(self)
        return [bank for bank in self if bank.matches(folded)]

    def merged(self, extra: Iterable[Bank]) -> BankDirectory:
        return BankDirectory([*self, *extra])


def parse_csv(text: str, source: str = "bank directory") -> list[Bank]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BankDirectoryError(f"{source}: missing column(s) {', '.join(missing)}")
    banks = []
    for line, row in enumerate(reader, start=2):
        bin_ = (row["bin"] or "").strip()
        if len(bin_) != 6 or not bin_.isdigit():
            raise BankDirectoryError(f"{source}, line {line}: BIN must be 6 digits, got {bin_!r}")
        code, short_name, name = ((row[c] or "").strip() for c in ("code", "short_name", "name"))
        if not (code and short_name and name):
            raise BankDirectoryError(f"{source}, line {line}: code, short_name and name are required")
        banks.append(Bank(bin_, code, short_name, name))
    return banks


def shipped_banks() -> list[Bank]:
    text = resources.files("qr").joinpath("data/vietqr_banks.csv").read_text(encoding="utf-8")
    return parse_csv(text, "vietqr_banks.csv")


def load_directory(extra_csv: str | Path | None = None) -> BankDirectory:
    """The shipped directory, with the operator's extra file merged over it when one is given."""
    directory = BankDirectory(shipped_banks())
    if extra_csv:
        path = Path(extra_csv)
        directory = directory.merged(parse_csv(path.read_text(encoding="utf-8-sig"), str(path)))
    return directory


@functools.cache
def default_directory() -> BankDirectory:
    """The shipped directory, loaded once (what :func:`qr.parse` and :func:`qr.encode` use by default)."""
    return load_directory()
