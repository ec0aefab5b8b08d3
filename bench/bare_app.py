"""The reference: a bare Litestar JSON endpoint, served the same way as the tracker."""

from __future__ import annotations

from litestar import Litestar, get


@get("/bare", sync_to_thread=False)
def bare() -> dict[str, object]:
    return {"status": "ok", "items": [], "total": 0}


app = Litestar([bare])
