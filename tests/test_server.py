"""The production server itself (gunicorn with config/gunicorn.py, debug off), for what the
test client cannot send or see: chunked request bodies, HEAD framing, gunicorn's own headers.

Only paths that need no database are asked, so the server runs on an empty SQLite file.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[int]:
    yield from _serve(tmp_path_factory, WEB_CONCURRENCY="1", GUNICORN_THREADS="2")


@pytest.fixture(scope="module")
def serve_defaults(tmp_path_factory: Any) -> Iterator[int]:
    """As `make serve` runs it: config/gunicorn.py's own workers and threads."""
    yield from _serve(tmp_path_factory)


def _serve(tmp_path_factory: Any, **settings: str) -> Iterator[int]:
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed next to this Python")
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "GUNICORN_", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY"))}
    env.update(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_COOKIES="false",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('server') / 'empty.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_LOG_LEVEL="warning", **settings,
    )
    process = subprocess.Popen([str(GUNICORN), "--config", "config/gunicorn.py", "config.wsgi"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("gunicorn stopped: " + process.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(30)


def _send(port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
          chunked: bool = False) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def _pieces(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_a_chunked_body_reaches_the_api(server: int) -> None:
    body = b'{"requests_per_month": 3000000, "duration_ms": '  # cut short on purpose
    response, data = _send(server, "POST", "/api/v1/compare", _pieces(body, 10),
                           {"Content-Type": "application/json"}, chunked=True)
    assert response.status == 400
    message = json.loads(data)["errors"]["__all__"][0]
    # Read to its end: the decoder stopped at the end of what was sent, not at column 1.
    assert f"column {len(body) + 1}" in message, message


def test_a_chunked_body_over_64_kb_is_413(server: int) -> None:
    body = json.dumps({"title": "x" * 70_000}).encode()
    response, data = _send(server, "POST", "/api/v1/reports", _pieces(body),
                           {"Content-Type": "application/json"}, chunked=True)
    assert response.status == 413
    assert "65536" in json.loads(data)["errors"]["__all__"][0]


def test_head_has_the_headers_and_no_body(server: int) -> None:
    get, got = _send(server, "GET", "/api/v1/openapi.json")
    head, nothing = _send(server, "HEAD", "/api/v1/openapi.json")
    assert get.status == head.status == 200
    assert nothing == b"" and got
    assert head.getheader("Content-Type") == "application/json"


def test_no_server_software_is_named_and_errors_are_json(server: int) -> None:
    response, data = _send(server, "GET", "/api/v1/no-such-thing")
    assert response.status == 404
    assert json.loads(data)["errors"]["__all__"]
    assert response.getheader("Server") is None
    assert response.getheader("Cross-Origin-Resource-Policy") == "same-origin"


def test_a_slow_client_does_not_hold_the_server(server: int) -> None:
    """The gthread worker (make serve's default) reads a slow client's headers in one of its
    threads; the next client is answered meanwhile (bench/slowclients.py measures more)."""
    with socket.create_connection(("127.0.0.1", server), timeout=5) as slow:
        slow.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        response, _ = _send(server, "GET", "/api/v1/openapi.json")
        assert response.status == 200


def test_make_serve_uses_the_threaded_worker_by_default() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    code = "import runpy; c = runpy.run_path('config/gunicorn.py'); print(c['threads'], c['keepalive'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    threads, keepalive = map(int, result.stdout.split())
    assert threads > 1 and keepalive <= 5


def test_a_refused_body_closes_the_connection(server: int) -> None:
    """A 413 leaves the body unread: the answer says "Connection: close" and the server closes,
    rather than announcing keep-alive and then dropping a client that reuses the connection."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as s:
        s.sendall(b"POST /api/v1/compare HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n"
                  + b"{" + b" " * 20_000)
        received = b""
        while True:  # bounded by the socket timeout and the server closing
            data = s.recv(65536)
            if not data:
                break
            received += data
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 413 Request Entity Too Large" or lines[0].startswith("HTTP/1.1 413")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    assert headers["connection"] == "close"
    assert "65536" in json.loads(body[: int(headers["content-length"])])["errors"]["__all__"][0]


def test_a_small_answer_keeps_the_connection(server: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    try:
        for _ in range(2):  # the same connection twice
            conn.request("POST", "/api/v1/compare", body=b"[]", headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            assert response.status == 400
            assert response.getheader("Connection") == "keep-alive"
    finally:
        conn.close()


def _slow_client(port: int, stop: threading.Event) -> None:
    """Sends a request's headers a byte a second (bounded: 60 bytes, or until stopped)."""
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        for byte in head[:60]:
            if stop.is_set():
                return
            s.sendall(bytes([byte]))
            stop.wait(1.0)


def test_eight_slow_clients_do_not_delay_healthz(serve_defaults: int) -> None:
    """8 clients trickling their headers (fewer than workers x threads): /healthz still answers
    within 2 s, every time. A worker accepts a connection only while it has a free thread, so
    the slow ones cannot pile up on one worker in front of others (config/gunicorn_worker.py)."""
    stop = threading.Event()
    slow = [threading.Thread(target=_slow_client, args=(serve_defaults, stop), daemon=True) for _ in range(8)]
    for thread in slow:
        thread.start()
    took: list[float] = []
    try:
        time.sleep(1.5)  # every slow client connected and trickling
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", serve_defaults, timeout=10)
            started = time.monotonic()
            try:
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                assert response.status == 200
            finally:
                conn.close()
            took.append(time.monotonic() - started)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in slow:
            thread.join(5)
    assert len(took) > 20 and max(took) < 2, f"slowest /healthz {max(took):.1f} s of {len(took)}"
