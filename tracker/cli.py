"""The ``tracker`` command: serve, migrate, seed, manage users and reference data."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from tracker.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise SystemExit(f"Lỗi cấu hình / configuration error: {exc}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    base = f"http://{args.host}:{args.port}"
    print(f"Chợ Số: trang web / web pages {base}/login · API {base}/schema", flush=True)
    if args.workers > 1 and settings.is_sqlite:
        print(
            "Lưu ý: SQLite với nhiều tiến trình chỉ nên dùng để thử. / Note: SQLite with several workers is for trials."
        )
    if args.workers > 1 or args.reload:
        # Worker processes build their own application from the environment.
        uvicorn.run(
            "tracker.app:asgi_factory",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            reload=args.reload,
            proxy_headers=True,
            log_level=args.log_level,
            access_log=args.access_log,
        )
    else:
        from tracker.app import serving_app

        uvicorn.run(
            serving_app(settings),
            host=args.host,
            port=args.port,
            proxy_headers=True,
            log_level=args.log_level,
            access_log=args.access_log,
        )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from tracker.db.migrate import upgrade

    settings = _settings()
    upgrade(settings, args.revision)
    print(f"Cơ sở dữ liệu đã được cập nhật / database upgraded ({args.revision}).")
    return 0


def cmd_db_downgrade(args: argparse.Namespace) -> int:
    from tracker.db.migrate import downgrade

    downgrade(_settings(), args.revision)
    return 0


def cmd_areas_load(_: argparse.Namespace) -> int:
    from tracker.areas.commands import load_areas

    counts = asyncio.run(load_areas(_settings()))
    print(
        f"Đơn vị hành chính / administrative units: {counts['units']}, "
        f"sáp nhập / successions: {counts['successions']}, phạm vi / reach rows: {counts['reach']}"
    )
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    if not args.demo:
        print("Dùng: tracker seed --demo / usage: tracker seed --demo", file=sys.stderr)
        return 2
    from tracker.seed import seed_demo

    summary = asyncio.run(seed_demo(_settings()))
    print(summary)
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from tracker.accounts.commands import create_user

    password = args.password or os.environ.get("TRACKER_PASSWORD")
    if not password:
        password = getpass.getpass("Mật khẩu / password: ")
        if password != getpass.getpass("Nhập lại / repeat: "):
            print("Hai lần nhập không khớp. / The two entries differ.", file=sys.stderr)
            return 2
    return asyncio.run(
        create_user(
            _settings(),
            username=args.username,
            role=args.role,
            area=args.area,
            password=password,
            full_name=args.full_name,
            phone=args.phone,
            as_user=args.as_user,
            producer_id=args.producer_id,
        )
    )


def cmd_listings_check(args: argparse.Namespace) -> int:
    from tracker.onboarding.commands import check_listings

    return asyncio.run(
        check_listings(
            _settings(),
            area=args.area,
            request_timeout=args.timeout,
            per_host=args.per_host,
            delay=args.delay,
            concurrency=args.concurrency,
        )
    )


def cmd_audit_verify(_: argparse.Namespace) -> int:
    from tracker.audit.commands import verify_audit

    result = asyncio.run(verify_audit(_settings()))
    if result.ok:
        print(f"Nhật ký nguyên vẹn / audit chain intact: {result.checked} entries; head {result.head}")
        return 0
    what = (
        "đã bị sửa / was edited"
        if result.reason == "content"
        else "mất liên kết (mục trước bị xóa hoặc sửa) / link broken (an earlier entry was deleted or edited)"
    )
    print(
        f"Nhật ký bị can thiệp / audit chain broken at entry {result.broken_at}: {what}; "
        f"{result.checked} entries verified before it",
        file=sys.stderr,
    )
    return 1


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.core import import_kinds
    from tracker.imports.commands import run_import

    return asyncio.run(
        run_import(
            _settings(),
            import_kinds(),
            kind=args.kind,
            path=Path(args.file),
            market=args.market,
            dry_run=args.dry_run,
            mode=args.mode,
            team_id=args.team,
            as_user=args.as_user,
            errors_to=Path(args.errors) if args.errors else None,
        )
    )


def cmd_backup(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from tracker.ops.backup import BackupError, backup

    settings = _settings()
    suffix = "sqlite" if settings.is_sqlite else "dump"
    default = settings.data_dir / "backups" / f"tracker-{dt.datetime.now():%Y%m%d-%H%M%S}.{suffix}"
    target = Path(args.output) if args.output else default
    try:
        result = backup(settings, target)
    except BackupError as exc:
        print(f"Sao lưu thất bại / backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"Đã sao lưu / backed up ({result.kind}, {result.size:,} bytes): {result.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.ops.backup import BackupError, restore

    if not args.yes:
        print(
            "Khôi phục sẽ ghi đè toàn bộ dữ liệu hiện có; thêm --yes để xác nhận. "
            "/ Restoring replaces all current data; add --yes to confirm.",
            file=sys.stderr,
        )
        return 2
    try:
        restore(_settings(), Path(args.file))
    except BackupError as exc:
        print(f"Khôi phục thất bại / restore failed: {exc}", file=sys.stderr)
        return 1
    print("Đã khôi phục / restored. Chạy / run: tracker db upgrade")
    return 0


def cmd_posters(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vendors.posters.commands import print_market_posters

    output = Path(args.output)
    status, content = asyncio.run(
        print_market_posters(
            _settings(), market=args.market, layout=args.layout, size=args.size, output=output, as_user=args.as_user
        )
    )
    if status == 0:
        output.write_bytes(content)
    return status


def cmd_report(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from tracker.reports.commands import ReportRequest, write_report

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    request = ReportRequest(
        kind=args.kind,
        area=args.area,
        on=day(args.on),
        since=day(args.since),
        until=day(args.until),
        by=args.by,
        fmt=args.format,
        output=Path(args.output) if args.output else None,
        as_user=args.as_user,
    )
    return asyncio.run(write_report(_settings(), request))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracker", description="Chợ Số: thanh toán không tiền mặt và OCOP.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="chạy máy chủ web / run the web server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    serve.add_argument("--reload", action="store_true")
    serve.add_argument("--log-level", default="info")
    # The service logs one structured line per request itself (without query strings, which may hold
    # names and phones); uvicorn's own access log stays off unless asked for.
    serve.add_argument("--uvicorn-access-log", dest="access_log", action="store_true")
    serve.add_argument("--no-access-log", dest="access_log", action="store_false", help=argparse.SUPPRESS)
    serve.set_defaults(func=cmd_serve)

    db = commands.add_parser("db", help="cơ sở dữ liệu / database").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="chạy các migration / apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)
    down = db.add_parser("downgrade", help="quay lui migration / revert migrations")
    down.add_argument("revision")
    down.set_defaults(func=cmd_db_downgrade)

    areas = commands.add_parser("areas", help="đơn vị hành chính / administrative units")
    areas_sub = areas.add_subparsers(dest="areas_command", required=True)
    areas_sub.add_parser("load", help="nạp lại danh mục / (re)load the shipped units").set_defaults(func=cmd_areas_load)

    seed = commands.add_parser("seed", help="dữ liệu mẫu / demonstration data")
    seed.add_argument("--demo", action="store_true")
    seed.set_defaults(func=cmd_seed)

    audit = commands.add_parser("audit", help="nhật ký / audit log").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="kiểm tra chuỗi băm / verify the hash chain").set_defaults(func=cmd_audit_verify)

    backup_cmd = commands.add_parser("backup", help="sao lưu cơ sở dữ liệu / back up the database")
    backup_cmd.add_argument("-o", "--output", help="tệp đích / target file (default var/backups/...)")
    backup_cmd.set_defaults(func=cmd_backup)
    restore_cmd = commands.add_parser("restore", help="khôi phục từ bản sao lưu / restore a backup")
    restore_cmd.add_argument("file")
    restore_cmd.add_argument("--yes", action="store_true", help="xác nhận ghi đè / confirm overwriting")
    restore_cmd.set_defaults(func=cmd_restore)

    user = commands.add_parser("user", help="tài khoản / accounts").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="tạo tài khoản / create an account")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=["admin", "officer", "taskforce", "producer"])
    create.add_argument("--area", help="mã địa bàn / area code (required except for admin)")
    create.add_argument("--password", help="bỏ trống để nhập ẩn / omit to be prompted")
    create.add_argument("--full-name", default=None)
    create.add_argument("--phone", default=None)
    create.add_argument(
        "--as",
        dest="as_user",
        default=None,
        help="tạo thay mặt tài khoản cán bộ này (kiểm tra địa bàn) / act as this officer",
    )
    create.add_argument(
        "--producer-id",
        type=int,
        default=None,
        help="chủ thể OCOP của tài khoản producer / the OCOP producer of a producer account",
    )
    create.set_defaults(func=cmd_user_create)

    imp = commands.add_parser("import", help="nhập từ bảng tính / import a spreadsheet (XLSX, CSV)")
    imp.add_argument("kind", help="vendors, markets, …")
    imp.add_argument("file", help="tệp .xlsx hoặc .csv / the file")
    imp.add_argument("--market", help="mã chợ cho các dòng không ghi chợ / market code for rows naming none")
    imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu / check only")
    imp.add_argument(
        "--mode",
        choices=["all", "valid_only"],
        default="all",
        help="all: tất cả hoặc không (mặc định); valid_only: lưu các dòng hợp lệ",
    )
    imp.add_argument("--team", type=int, default=None, help="id tổ công tác / team id")
    imp.add_argument("--as", dest="as_user", default=None, help="nhập với tư cách tài khoản này / act as this user")
    imp.add_argument("--errors", default=None, help="ghi tệp lỗi ra đây (.xlsx hoặc .csv) / write the error file")
    imp.set_defaults(func=cmd_import)

    posters = commands.add_parser("posters", help="in áp phích VietQR của một chợ / print a market's posters")
    posters.add_argument("--market", required=True, help="mã chợ / market code")
    posters.add_argument("--layout", choices=["page", "sheet"], default="page", help="sheet: 4 A6 trên tờ A4")
    posters.add_argument("--size", choices=["A6", "A5", "A4"], default="A6")
    posters.add_argument("-o", "--output", required=True, help="tệp .pdf hoặc .zip / the .pdf or .zip file")
    posters.add_argument("--as", dest="as_user", default=None, help="in với tư cách tài khoản này / act as this user")
    posters.set_defaults(func=cmd_posters)

    listings = commands.add_parser("listings", help="sản phẩm trên sàn TMĐT / e-commerce listings")
    listings_sub = listings.add_subparsers(dest="listings_command", required=True)
    check = listings_sub.add_parser(
        "check", help="kiểm tra các liên kết đang bán, đánh dấu liên kết hỏng / check live listings, flag broken ones"
    )
    check.add_argument("--area", default=None, help="chỉ trong địa bàn này / only within this area code")
    check.add_argument("--timeout", type=float, default=10.0, help="giây chờ mỗi yêu cầu / seconds per request")
    check.add_argument("--per-host", type=int, default=2, help="số yêu cầu cùng lúc mỗi sàn / per-host concurrency")
    check.add_argument("--delay", type=float, default=1.0, help="giây giữa hai yêu cầu tới một sàn / per-host delay")
    check.add_argument("--concurrency", type=int, default=8, help="tổng số yêu cầu cùng lúc / overall concurrency")
    check.set_defaults(func=cmd_listings_check)

    report = commands.add_parser("report", help="báo cáo / reports (uptake, ocop, teams, trend)")
    report.add_argument("kind", choices=["uptake", "ocop", "teams", "trend"])
    report.add_argument("--area", default=None, help="mã địa bàn / area code")
    report.add_argument("--on", default=None, help="đơn vị có hiệu lực ngày / units in force on (YYYY-MM-DD)")
    report.add_argument("--since", default=None, help="từ ngày / from (teams, trend)")
    report.add_argument("--until", default=None, help="đến ngày / until (teams, trend)")
    report.add_argument("--by", choices=["unit", "market"], default=None, help="uptake: theo đơn vị hoặc chợ")
    report.add_argument("--format", choices=["json", "csv", "xlsx"], default="xlsx")
    report.add_argument("-o", "--output", default=None, help="tệp đích / output file (default: stdout)")
    report.add_argument("--as", dest="as_user", default=None, help="theo phạm vi tài khoản này / as this account")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Every command may touch any table: load every domain's models so that relationships resolve.
    import tracker.db.all_models  # noqa: F401

    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
