"""`accord serve`: the web application and API under uvicorn.

The terminal gets one line saying where the service is; uvicorn's and the libraries' own
logging goes to a log file, so a terminal or service journal is not filled with per-request
chatter. Log lines are JSON by default (one object a line, for a log shipper) or plain text,
and each carries the request id of the request it was written for (`web/requestid.py`). Each worker process builds its own application with `create_app()` from the same
ACCORD_* settings.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Any

import typer

from accord import __version__

APP_FACTORY = "accord.app:create_app"
DEFAULT_LOG = Path("accord-server.log")


LOG_FORMATS = ("json", "plain")


def log_config(log_file: Path, level: str = "INFO", log_format: str = "json") -> dict[str, Any]:
    """Everything logged (uvicorn, its access log, SQLAlchemy, ...) goes to one file."""
    handler = {
        "class": "logging.FileHandler",
        "filename": str(log_file),
        "encoding": "utf-8",
        "formatter": log_format,
        "filters": ["request_id"],
    }
    quiet = {"handlers": ["file"], "level": level, "propagate": False}
    fields = "%(asctime)s %(process)d %(levelname)s %(name)s %(request_id)s %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "accord.web.requestid.RequestIdFilter"}},
        "formatters": {
            "plain": {
                "format": "%(asctime)s %(process)d %(levelname)s %(name)s "
                "[%(request_id)s]: %(message)s"
            },
            "json": {"()": "pythonjsonlogger.json.JsonFormatter", "format": fields},
        },
        "handlers": {"file": handler},
        "loggers": {"uvicorn": quiet, "uvicorn.error": quiet, "uvicorn.access": quiet},
        "root": {"handlers": ["file"], "level": "WARNING"},
    }


def _check_free(host: str, port: int) -> None:
    """Fail with a plain message before uvicorn would log the clash to the file."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            why = "is already in use" if error.errno == errno.EADDRINUSE else f"({error.strerror})"
            raise typer.BadParameter(
                f"cannot listen on {host}:{port}: the address {why}", param_hint="--port"
            ) from None


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def run(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0: every one)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes, each with its own pool."),
    log_file: Path = typer.Option(
        DEFAULT_LOG, help="Where uvicorn and library logging goes (appended)."
    ),
    access_log: bool = typer.Option(True, help="Log each request to the log file."),
    log_format: str = typer.Option(
        "json", help="Log lines as JSON objects (json) or text (plain), with the request id."
    ),
    proxy_headers: bool = typer.Option(
        False, help="Trust X-Forwarded-* from a proxy in front (needed for https behind one)."
    ),
) -> None:
    """Serve the web application and API (uvicorn on create_app())."""
    import uvicorn
    from pydantic import ValidationError

    from accord.settings import InsecureSettingsError, get_settings, settings_problem

    try:
        get_settings()  # refuse insecure or malformed settings here, not in every worker
    except (InsecureSettingsError, ValidationError) as error:
        typer.echo(settings_problem(error), err=True)
        raise typer.Exit(2) from None
    if log_format not in LOG_FORMATS:
        raise typer.BadParameter(
            f"choose one of {', '.join(LOG_FORMATS)}", param_hint="--log-format"
        )
    _check_free(host, port)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    typer.echo(
        f"accord {__version__} serving on {url_for(host, port)} "
        f"({workers} worker{'s' if workers > 1 else ''}; log: {log_file})"
    )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(log_file, log_format=log_format),
        access_log=access_log,
        proxy_headers=proxy_headers,
        server_header=False,
        # a worker imports the linkage libraries before it answers: give it time on a busy host
        timeout_worker_healthcheck=60,
    )
