"""Import kinds: what one kind of spreadsheet holds and how its rows become records.

A kind is a subclass of ``ImportKind`` in the domain package that owns the records (``vendors/imports``,
``ocop/imports``), listed in ``tracker.core.import_kinds``. The framework reads the file, matches the
headers to ``columns``, turns cells into typed values, and then, for one import, makes one instance of the
kind and calls:

1. ``begin()``: checks that concern the whole file (the market named for it, the team); may raise;
2. ``plan(rows)``: validates every row with the domain's own rules and decides, without writing, whether it
   is ``created``, ``updated``, ``unchanged``, a ``duplicate`` or an ``error``;
3. ``apply(plans)``, on a commit only: writes the created and updated rows, in bulk, in the import's
   transaction, stamping them with ``ctx.import_id`` and recording one audit entry per record.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from qr.banks import BankDirectory
from tracker.accounts.actor import Actor
from tracker.imports.columns import Column
from tracker.lib.exceptions import FieldProblem, NotFound
from tracker.lib.http_errors import translate_validation_message
from tracker.lib.i18n import Text

Mode = Literal["all", "valid_only"]
RowStatus = Literal["created", "updated", "unchanged", "duplicate", "error"]
WRITES: frozenset[str] = frozenset({"created", "updated"})
FAILS: frozenset[str] = frozenset({"duplicate", "error"})

S = TypeVar("S", bound=msgspec.Struct)
Progress = Callable[[str, int, int], None]  # (stage, done, total); stages: read, check, save


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ImportOptions:
    dry_run: bool = True
    mode: Mode = "all"
    market: str | None = None  # a market code (or name) for every row that names none
    team_id: int | None = None


@dataclass
class ImportContext:
    """One import as its kind sees it. Kinds fill in the market and the areas that the rows touch."""

    session: AsyncSession
    actor: Actor
    banks: BankDirectory
    options: ImportOptions
    now: dt.datetime
    today: dt.date
    progress: Progress = no_progress
    import_id: int | None = None
    market_id: int | None = None
    market_code: str | None = None
    team_id: int | None = None
    areas: set[int] = field(default_factory=set)


@dataclass
class SourceRow:
    """A data row: its number in the file, its typed values by column key, and the problems of its cells."""

    number: int
    values: dict[str, Any]
    problems: list[FieldProblem] = field(default_factory=list)

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class RowPlan:
    """What becomes of one row. ``work`` is the kind's own (what ``apply`` needs)."""

    row: SourceRow
    status: RowStatus
    problems: list[FieldProblem] = field(default_factory=list)
    warnings: list[FieldProblem] = field(default_factory=list)
    record_id: int | None = None
    record_code: str | None = None
    work: Any = None


@dataclass(frozen=True)
class TemplateContext:
    session: AsyncSession
    actor: Actor
    banks: BankDirectory


class ImportKind(ABC):
    name: ClassVar[str]  # the path segment: /api/imports/{name}
    entity: ClassVar[str]  # the audit entity of its records
    title: ClassVar[Text]  # the data sheet's name in the template
    roles: ClassVar[tuple[str, ...]]  # who may import it (admins always may)
    columns: ClassVar[tuple[Column, ...]]

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx

    @classmethod
    async def reference_lists(cls, ctx: TemplateContext) -> dict[str, list[str]]:
        """The drop-down lists of the template, by ``Column.choices`` name."""
        return {}

    @classmethod
    def example(cls) -> dict[str, Any]:
        return {c.key: c.example for c in cls.columns if c.example is not None}

    def required_columns(self) -> set[str]:
        return {c.key for c in self.columns if c.required}

    async def begin(self) -> None:  # noqa: B027 (optional hook)
        """Checks of the whole import, before any row (raise to refuse it)."""

    @abstractmethod
    async def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        """One plan per row, in order, without writing anything."""

    @abstractmethod
    async def apply(self, plans: list[RowPlan]) -> None:
        """Writes the ``created`` and ``updated`` plans (given in file order) and sets their record ids."""


class KindRegistry:
    def __init__(self, kinds: Iterable[type[ImportKind]]) -> None:
        self._kinds = {k.name: k for k in kinds}

    def __iter__(self) -> Any:
        return iter(self._kinds.values())

    def names(self) -> list[str]:
        return list(self._kinds)

    def get(self, name: str) -> type[ImportKind]:
        kind = self._kinds.get(name)
        if kind is None:
            known = ", ".join(self._kinds)
            raise NotFound(
                Text(
                    f"Không có loại dữ liệu nhập “{name}” (có: {known}).",
                    f"No import kind “{name}” (known: {known}).",
                )
            )
        return kind


# ----- helpers for kinds ----------------------------------------------------------------------------------

_AT = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")


def _struct_problem(exc: msgspec.ValidationError) -> FieldProblem:
    message = str(exc)
    match = _AT.search(message)
    path = match["path"] if match else None
    return translate_validation_message(_AT.sub("", message), path or None)


def convert_struct(
    struct: type[S], payload: Mapping[str, Any], template: Mapping[str, Any]
) -> tuple[S | None, list[FieldProblem], set[str]]:
    """``payload`` as the API's input struct, with the API's messages for what its types refuse.

    The API stops at the first refused field; a row reports them all: each field is tried alone in
    ``template`` (a valid payload). Returns the struct (with refused fields taken from the template so that
    the domain's checks can still run on the rest, or None if even that fails), the problems, and the
    names of the refused fields.
    """
    try:
        return msgspec.convert(dict(payload), struct), [], set()
    except msgspec.ValidationError as first:
        problems: list[FieldProblem] = []
        refused: set[str] = set()
        keys = set(payload) | {k for k in template if k not in payload}
        for key in sorted(keys):
            trial = dict(template)
            if key in payload:
                trial[key] = payload[key]
            else:
                trial.pop(key, None)
            try:
                msgspec.convert(trial, struct)
            except msgspec.ValidationError as exc:
                problems.append(_struct_problem(exc))
                refused.add(key)
        if not problems:
            problems.append(_struct_problem(first))
        patched = {k: v for k, v in payload.items() if k not in refused}
        patched.update({k: template[k] for k in refused if k in template})
        try:
            return msgspec.convert(patched, struct), problems, refused
        except msgspec.ValidationError:
            return None, problems, refused
