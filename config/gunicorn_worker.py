"""Gunicorn's threaded worker that accepts a connection only when one of its threads is free.

Every worker process waits on the same listening socket, and the kernel hands a new
connection to whichever worker asks first. Gunicorn's own gthread worker keeps asking while
all of its threads are busy (up to ``worker_connections``, 1,000) and queues what it gets
behind them. A client that sends its headers a byte a second holds a thread for as long as
it likes, so a handful of them landing on one worker made every request queued there wait
(``/healthz`` up to 30 s; bench/slowclients.py) while the other workers sat idle.

This worker stops listening while every thread is busy and listens again as soon as one is
free, so a new connection goes to a worker that can serve it now: the server stalls only
when slow clients hold all of its threads (workers x threads), not a single worker's. Idle
kept-alive connections still wait in the worker's poller without a thread, as before.
"""

from __future__ import annotations

from typing import Any

from gunicorn.workers.gthread import ThreadWorker as GthreadWorker


class ThreadWorker(GthreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Connections handed to the thread pool and not finished yet (main thread only:
        # accept, the readable callbacks and finish_request all run in the worker's loop).
        self.busy = 0

    def set_accept_enabled(self, enabled: bool) -> None:
        # The loop turns accepting on whenever fewer than worker_connections are open;
        # here only while a thread is free as well.
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)

    def enqueue_req(self, conn: Any) -> None:
        self.busy += 1
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.busy -= 1
        super().finish_request(conn, fs)  # may hand the connection to a thread again
        self.set_accept_enabled(self.alive and self.nr_conns < self.worker_connections)
