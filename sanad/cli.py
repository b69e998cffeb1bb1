"""The `sanad` command: serve, user add, nlu …, chat, telegram … (SPEC §5)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from sanad.settings import Settings

log = logging.getLogger("sanad")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sanad", description="Sanad support service")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web app (console, widget, webhooks)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("migrate", help="apply database migrations")
    user = sub.add_parser("user", help="manage staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create a staff account (prints a generated password)")
    add.add_argument("username")
    add.add_argument("--role", choices=["counselor", "supervisor", "admin"], default="counselor")
    add.add_argument("--name", dest="display_name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sub.add_parser("nlu", help="train, parse, evaluate, export (see `sanad nlu -h`)", add_help=False)
    chat = sub.add_parser("chat", help="talk to the bot from the terminal as a child would")
    chat.add_argument("--json", action="store_true")
    sub.add_parser("telegram", help="set-webhook | poll", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # aiosqlite logs SQL parameters (a child's words) at DEBUG: never let them through.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)  # result rows at DEBUG
    if args_list[:1] == ["nlu"]:
        return _nlu(args_list[1:], settings)
    if args_list[:1] == ["telegram"]:
        from bot.channels.telegram_cli import run as telegram_run
        from sanad.app import resolve_secret

        return telegram_run(
            args_list[1:], settings, secret=resolve_secret(settings), migrate=lambda: _migrate(settings)
        )
    args = _parser().parse_args(args_list)
    if args.command == "serve":
        return _serve(settings, host=args.host, port=args.port)
    if args.command == "migrate":
        _migrate(settings)
        return 0
    if args.command == "user":
        return asyncio.run(_user_add(settings, args))
    if args.command == "chat":
        from bot.channels.terminal import run_chat

        _migrate(settings)
        return run_chat(settings, as_json=args.json)
    return 2


def _nlu(argv: list[str], settings: Settings) -> int:
    from nlu.cli import run
    from nlu.parse import DEFAULT_DATA_DIR

    return run(argv, model_path=settings.model_path, data_dir=DEFAULT_DATA_DIR)


def _migrate(settings: Settings) -> None:
    from sanad.migrate import ensure_sqlite_dir, upgrade_to_head

    ensure_sqlite_dir(settings.database_url)
    upgrade_to_head(settings.database_url)


def _serve(settings: Settings, *, host: str | None, port: int | None) -> int:
    import uvicorn

    from sanad.app import create_app

    _migrate(settings)
    asyncio.run(_first_run_admin(settings))
    app = create_app(settings)
    uvicorn.run(
        app, host=host or settings.host, port=port or settings.port, log_level="info", ws_max_size=64 * 1024
    )
    return 0


async def _first_run_admin(settings: Settings) -> None:
    """On an empty database, create `admin` with a generated password and print it once."""
    from console.accounts import create_staff, generate_password
    from escalation import repository
    from escalation.db import make_engine, make_sessions
    from escalation.models import Role

    engine = make_engine(settings.database_url)
    try:
        async with make_sessions(engine)() as session:
            if await repository.count_staff(session) > 0:
                return
            password = generate_password()
            await create_staff(
                session, username="admin", role=Role.ADMIN, password=password, display_name="Administrator"
            )
    finally:
        await engine.dispose()
    print("=" * 64)
    print("First run: an admin account was created. This password is shown ONCE:")
    print(f"  username: admin\n  password: {password}")
    print("Log in at /console/login and create counselor accounts (sanad user add).")
    print("=" * 64, flush=True)


async def _user_add(settings: Settings, args: argparse.Namespace) -> int:
    from console.accounts import AccountError, create_staff, generate_password
    from escalation.db import make_engine, make_sessions
    from escalation.models import Role

    _migrate(settings)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else generate_password()
    engine = make_engine(settings.database_url)
    try:
        async with make_sessions(engine)() as session:
            await create_staff(
                session,
                username=args.username,
                role=Role(args.role),
                password=password,
                display_name=args.display_name,
            )
    except AccountError as exc:
        print(f"sanad user add: {exc}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"created {args.role} {args.username!r}")
    if not args.password_stdin:
        print(f"password (shown once): {password}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
