"""Gunicorn settings for `make serve`; every value can be overridden from the environment.

The processes are stateless (sessions, cache and rate-limit counters live in PostgreSQL and
Redis), so more capacity is more workers here or more machines running the same command.
"""

from __future__ import annotations

import os

from gunicorn.http import wsgi as _gunicorn_wsgi

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Gunicorn's own convention; about 2 x cores + 1 for this CPU-bound app.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Threads per worker; more than one selects the gthread worker. A sync worker is held by one
# client that sends its request slowly (it reads the headers before anything else), so a few
# slow clients can hold every worker; gthread waits for a new connection's first bytes without
# using a thread and reads each request in one of its threads, so it takes workers x threads
# slow clients to stall it. The proxy in front must still buffer requests (README).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# With threads, gunicorn's gthread worker, changed to accept a connection only while one of
# its threads is free: slow clients on one worker no longer hold up connections the other
# workers could serve (config/gunicorn_worker.py).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or (
    "config.gunicorn_worker.ThreadWorker" if threads > 1 else "sync")
# A comparison takes milliseconds; a worker stuck for 30 s is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Idle kept-alive connections are closed after this many seconds (gthread holds them in its
# poller, not a thread, but each is still an open socket).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Load the app before forking: a broken configuration fails once, loudly, at start.
preload_app = True
# The proxy in front keeps the access log; set GUNICORN_ACCESS_LOG=- to log here too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Honour X-Forwarded-* only from these addresses (gunicorn's own check; Django has its own).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Gunicorn's runtime control socket sits at one path per user, so two servers on one machine
# would share it; the app needs none of its commands.
control_socket_disable = True


class _AnonymousResponse(_gunicorn_wsgi.Response):
    """Gunicorn's response without its ``Server`` header (naming the server software only helps
    someone looking for a version with a known hole), closing after a refused body."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]

    def process_headers(self, headers: list[tuple[str, str]]) -> None:
        # A 413 leaves the body it refused unread: gunicorn would announce keep-alive, then
        # fail to drain the body in time and drop the connection under a client that reuses
        # it. Say "Connection: close" instead and close (RFC 9110 §15.5.14). Gunicorn drops
        # hop-by-hop headers from the application, so an app's own "Connection: close" is
        # honoured here too.
        if self.status_code == 413 or any(
            name.lower() == "connection" and value.strip().lower() == "close" for name, value in headers
        ):
            self.force_close()
        super().process_headers(headers)


_gunicorn_wsgi.Response = _AnonymousResponse  # type: ignore[misc]
