"""`accord serve`: one line on the terminal with the URL, uvicorn's logging in the log file,
and a plain refusal when the port is taken."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from accord import __version__
from accord.store import migrate

ROOT = Path(__file__).resolve().parents[2]
ACCORD = Path(sys.executable).with_name("accord")


def _env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'accord.db'}"
    migrate.upgrade(url)
    return os.environ | {
        "ACCORD_ENVIRONMENT": "development",
        "ACCORD_DATABASE_URL": url,
        "ACCORD_KEYSTORE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "ACCORD_ANALYTICS_PATH": str(tmp_path / "a.duckdb"),
        "ACCORD_REGISTERS_DIR": str(ROOT / "registers"),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_and_keeps_library_logging_in_its_file(tmp_path: Path) -> None:
    port, log = _free_port(), tmp_path / "server.log"
    command = [str(ACCORD), "serve", "--port", str(port), "--log-file", str(log)]
    server = subprocess.Popen(
        command, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline, answered = time.monotonic() + 120, None
        while time.monotonic() < deadline and answered is None and server.poll() is None:
            try:
                answered = httpx.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"X-Request-ID": "req-from-proxy-1"},
                    timeout=2,
                )
            except httpx.HTTPError:
                time.sleep(0.3)
        assert answered is not None, f"no answer; log: {log.read_text() if log.exists() else ''}"
        assert answered.status_code == 200
        assert answered.headers["X-Request-ID"] == "req-from-proxy-1"
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert out.splitlines() == [
        f"accord {__version__} serving on http://127.0.0.1:{port} (1 worker; log: {log})"
    ]
    assert "Uvicorn running" not in out + err  # uvicorn's own lines went to the file
    lines = [json.loads(line) for line in log.read_text().splitlines()]  # JSON, every line
    assert any(f"Uvicorn running on http://127.0.0.1:{port}" in line["message"] for line in lines)
    access = [line for line in lines if "GET /healthz" in line["message"]]
    assert access
    assert {line["request_id"] for line in access} == {"req-from-proxy-1"}


def test_serve_refuses_a_port_in_use_in_plain_words(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(ACCORD), "serve", "--port", str(port), "--log-file", str(tmp_path / "s.log")],
            env=_env(tmp_path) | {"COLUMNS": "300"},  # the error box on one line
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: the address is already in use" in done.stderr
    assert done.stdout == ""
