"""Which process of a data dir builds its index: an exclusive `flock` on
`<data dir>/jobs/.builder.lock`, held while a server process runs its job worker.

`serve` may run several worker processes on one port (policyqa.app): every one answers
searches, chats and uploads, but only the one holding this lock runs upload jobs and the
start-up catch-up build; the others serve the index it publishes (they reload it when the
CURRENT pointer changes). The lock also keeps two separately started servers on one data dir
from building side by side. A process that dies releases it (the kernel drops the lock), and
another worker takes it over at its next poll.

The builder marks a running build with a file beside the lock (`mark_building`): /readyz in
any worker reports it (`building_elsewhere`), whichever worker the kernel hands the request to.

Within one process the lock is shared: every ApiState of that process on that data dir counts
as the builder once one of them holds it (in-process builds are serialised by index.store's
own lock), and it is released when the last of them stops.
"""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

LOCK_NAME = ".builder.lock"
BUILDING_NAME = ".building"  # beside the lock while its holder builds (`mark_building`)

_lock = threading.Lock()
_held: dict[Path, tuple[int, int]] = {}  # resolved jobs dir -> (fd, holders in this process)


def _key(data_dir: Path) -> Path:
    from assistant.api.jobs import JOBS_DIR

    return (Path(data_dir) / JOBS_DIR).resolve()


def try_acquire(data_dir: Path) -> bool:
    """True when this process holds (or now takes) the builder lock of `data_dir`; each True
    must be matched by one `release`."""
    key = _key(data_dir)
    with _lock:
        if key in _held:
            fd, count = _held[key]
            _held[key] = (fd, count + 1)
            return True
        key.mkdir(parents=True, exist_ok=True)
        fd = os.open(key / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        _held[key] = (fd, 1)
        try:  # a marker of a builder that died mid-build: this holder builds nothing yet
            (key / BUILDING_NAME).unlink(missing_ok=True)
        except OSError:
            pass
        return True


def release(data_dir: Path) -> None:
    key = _key(data_dir)
    with _lock:
        if key not in _held:
            return
        fd, count = _held[key]
        if count > 1:
            _held[key] = (fd, count - 1)
            return
        del _held[key]
        os.close(fd)  # drops the flock


def mark_building(data_dir: Path, on: bool) -> None:
    """The lock holder says whether it builds (a marker file beside the lock); a data dir that
    cannot be written is left unmarked (its build still runs)."""
    marker = _key(data_dir) / BUILDING_NAME
    try:
        if on:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        else:
            marker.unlink(missing_ok=True)
    except OSError:
        pass


def building_elsewhere(data_dir: Path) -> bool:
    """Whether another process holds the builder lock of `data_dir` and marks a build running.
    A marker left by a builder that died is ignored: the kernel dropped its lock with it."""
    key = _key(data_dir)
    if not (key / BUILDING_NAME).exists():
        return False
    with _lock:
        if key in _held:  # this process is the builder: its own flag says
            return False
    try:
        fd = os.open(key / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True  # held by the builder
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)  # nobody holds it: a stale marker
        return False
    finally:
        os.close(fd)
