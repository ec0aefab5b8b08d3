"""Base classes of the API contract (msgspec Structs, snake_case JSON) and the list envelope."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class Schema(msgspec.Struct, kw_only=True):
    """A response or nested object."""


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request body: unknown fields are refused, so a misspelt field name is never silently dropped."""


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


UNSET = msgspec.UNSET
UnsetType = msgspec.UnsetType
