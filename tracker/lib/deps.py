"""Dependency providers shared by every controller."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.settings import Settings

S = TypeVar("S")


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def service_provider(cls: Callable[[AsyncSession], S]) -> Provide:
    """A provider building ``cls`` on the request's session."""

    async def provide(db_session: NamedDependency[AsyncSession]) -> S:
        return cls(db_session)

    provide.__annotations__["return"] = cls
    return Provide(provide)


ProviderFn = Callable[..., Coroutine[Any, Any, Any]]
