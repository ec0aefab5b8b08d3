"""``tracker import KIND FILE``: the same import as the API, from the command line, with a progress bar."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from qr.banks import load_directory
from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.models import User
from tracker.db.engine import create_database
from tracker.imports.kinds import ImportOptions, KindRegistry, Mode
from tracker.imports.models import Import
from tracker.imports.service import ImportService
from tracker.lib.exceptions import TrackerError
from tracker.settings import Settings

STAGES = {
    "read": "Đọc tệp / reading",
    "check": "Kiểm tra / checking",
    "save": "Ghi / saving",
}
STATUS_LABELS = [
    ("created", "Tạo mới / created"),
    ("updated", "Cập nhật / updated"),
    ("unchanged", "Không đổi / unchanged"),
    ("duplicate", "Trùng / duplicate"),
    ("error", "Lỗi / error"),
]


def counts_line(imported: Import) -> str:
    values = {
        "created": imported.created_count,
        "updated": imported.updated_count,
        "unchanged": imported.unchanged_count,
        "duplicate": imported.duplicate_count,
        "error": imported.error_count,
    }
    return ", ".join(f"{label}: {values[key]}" for key, label in STATUS_LABELS)


async def run_import(
    settings: Settings,
    kinds: KindRegistry,
    *,
    kind: str,
    path: Path,
    market: str | None,
    dry_run: bool,
    mode: Mode,
    team_id: int | None,
    as_user: str | None,
    errors_to: Path | None,
    console: Console | None = None,
) -> int:
    """Exit status: 0 when every row went through, 1 when some failed (or nothing was saved), 2 on bad input."""
    out = console or Console(stderr=True)
    try:
        content = await anyio.Path(path).read_bytes()
    except OSError as exc:
        print(f"Không đọc được tệp / cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    db = create_database(settings, null_pool=True)
    try:
        async with db.write() as session:
            actor: Actor = SYSTEM
            if as_user:
                user = await session.scalar(select(User).where(User.username == as_user.lower()))
                if user is None or not user.active:
                    print(f"Không có tài khoản {as_user}. / No account {as_user}.", file=sys.stderr)
                    return 2
                actor = Actor(user.id, user.username, user.role, user.area_id, user.full_name)
            service = ImportService(session, kinds, load_directory(settings.extra_banks_csv))
            options = ImportOptions(dry_run=dry_run, mode=mode, market=market, team_id=team_id)
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=out,
                transient=False,
            ) as bar:
                tasks: dict[str, TaskID] = {}

                def progress(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total or None)
                    bar.update(tasks[stage], completed=done, total=total or None)

                try:
                    imported, _ = await service.run(
                        actor, kind, file_name=path.name, content=content, options=options, progress=progress
                    )
                except TrackerError as exc:
                    bar.stop()
                    print(f"{exc.message.vi} / {exc.message.en}", file=sys.stderr)
                    for problem in exc.problems:
                        print(f"  - {problem.field}: {problem.message.vi} / {problem.message.en}", file=sys.stderr)
                    return 2
            report = await service.report(actor, imported, "vi")
            for row in report.failed_rows[:20]:
                for row_problem in row.problems:
                    where = row_problem.column or row_problem.field
                    print(f"  dòng / row {row.row} [{row.status}] {where}: {row_problem.message}")
            if len(report.failed_rows) > 20:
                print(f"  … {len(report.failed_rows) - 20} dòng khác / more rows")
            if errors_to is not None:
                file_format = "csv" if errors_to.suffix.lower() == ".csv" else "xlsx"
                content, _ = await service.error_file(actor, imported.id, file_format, "vi")
                await anyio.Path(errors_to).write_bytes(content)
                print(f"Tệp lỗi / error file: {errors_to}")
            print(f"Lần nhập / import {imported.id} ({imported.status}): {counts_line(imported)}")
            failed = imported.error_count + imported.duplicate_count
            return 1 if failed or imported.status == "rejected" else 0
    finally:
        await db.dispose()
