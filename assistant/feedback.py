"""Answer feedback (有用 / 有误) and the optional question log, in one SQLite file of the data dir.

Every answer gets an `answer_id` (`FeedbackStore.remember`). What feedback needs to know about
the answer (question, history, answer text, citations, mode, index version) is kept in a
bounded in-memory map of recent answers, so feedback works with the question log off and
nothing about a question reaches the disk unless the official sends feedback on it. With
`POLICYQA_LOG_QUESTIONS` on, every answer is also appended to the `questions` table (for
questions by day and the not-found share); feedback then also finds answers older than the map
or from before a restart.

Durability and failure:
- Feedback is written synchronously (WAL, synchronous=FULL) and acknowledged only after its
  commit, so a `kill -9` loses nothing that was acknowledged.
- The question log is written by a background thread from a bounded queue: answering never
  waits for the disk. A failing or full disk (or a full queue) drops log rows with a warning;
  it never blocks or fails an answer.

One file, `<data dir>/feedback.sqlite3`, opened lazily (a server that gets no feedback with
the log off never creates it). Only the standard library's sqlite3.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import queue
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assistant.model import Answer

log = logging.getLogger("assistant.feedback")

DB_NAME = "feedback.sqlite3"
SCHEMA_VERSION = 1
RECENT_ANSWERS = 10_000  # answers feedback can reach without the log (their chunks are the index's own objects)
LOG_QUEUE = 10_000  # question-log rows waiting for the writer; beyond this they are dropped with a warning
LOG_BATCH = 500
BUSY_TIMEOUT_MS = 5_000
MAX_CORRECTION_CHARS = 2_000
NOT_FOUND_KINDS = ("not_found",)

Verdict = Literal["useful", "wrong"]
VERDICTS: tuple[str, ...] = ("useful", "wrong")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    answer_id      TEXT PRIMARY KEY,
    asked_at       REAL NOT NULL,
    question       TEXT NOT NULL,
    history        TEXT NOT NULL,   -- JSON list of earlier user turns, oldest first
    resolved_query TEXT NOT NULL,
    kind           TEXT NOT NULL,
    answer         TEXT NOT NULL,
    citations      TEXT NOT NULL,   -- JSON list (see AnswerRecord.citations)
    mode           TEXT NOT NULL,
    index_version  TEXT NOT NULL,
    source         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id      TEXT PRIMARY KEY,  -- one verdict per answer: the latest wins
    created_at     REAL NOT NULL,
    verdict        TEXT NOT NULL CHECK (verdict IN ('useful', 'wrong')),
    correction     TEXT NOT NULL,
    chunk_id       TEXT NOT NULL,
    asked_at       REAL NOT NULL,
    question       TEXT NOT NULL,
    history        TEXT NOT NULL,
    resolved_query TEXT NOT NULL,
    kind           TEXT NOT NULL,
    answer         TEXT NOT NULL,
    citations      TEXT NOT NULL,
    mode           TEXT NOT NULL,
    index_version  TEXT NOT NULL,
    source         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_created_at ON feedback (created_at);
"""
_ANSWER_COLUMNS = ("answer_id", "asked_at", "question", "history", "resolved_query", "kind", "answer",
                   "citations", "mode", "index_version", "source")
_FEEDBACK_COLUMNS = ("answer_id", "created_at", "verdict", "correction", "chunk_id", *_ANSWER_COLUMNS[1:])


class FeedbackError(Exception):
    """Base of the store's errors."""


class UnknownAnswer(FeedbackError):
    """No answer with this id is remembered (too old for the in-memory map, from before a
    restart with the question log off, or never given)."""


class StoreUnavailable(FeedbackError):
    """The database cannot be opened, read or written (disk full, read-only, damaged)."""


@dataclass(frozen=True)
class AnswerRecord:
    """What is kept of one answer so that feedback on it is self-contained."""

    answer_id: str
    asked_at: float  # unix time
    question: str
    history: tuple[str, ...]
    resolved_query: str
    kind: str
    answer: str  # the answer text with its [n] markers
    citations: tuple[dict[str, Any], ...]  # n, chunk_id, doc_id, city, citation, highlight, text
    mode: str
    index_version: str  # the served index's corpus hash (as /readyz reports it), shortened
    source: str  # api | openai | mcp | ui

    @property
    def not_found(self) -> bool:
        return self.kind in NOT_FOUND_KINDS

    def row(self) -> tuple[Any, ...]:
        return (self.answer_id, self.asked_at, self.question, _json(list(self.history)), self.resolved_query,
                self.kind, self.answer, _json(list(self.citations)), self.mode, self.index_version, self.source)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> AnswerRecord:
        return cls(answer_id=row["answer_id"], asked_at=row["asked_at"], question=row["question"],
                   history=tuple(json.loads(row["history"])), resolved_query=row["resolved_query"],
                   kind=row["kind"], answer=row["answer"], citations=tuple(json.loads(row["citations"])),
                   mode=row["mode"], index_version=row["index_version"], source=row["source"])


@dataclass(frozen=True)
class FeedbackRecord:
    answer: AnswerRecord
    verdict: str
    correction: str
    chunk_id: str
    created_at: float
    replaced: bool = False  # an earlier verdict on the same answer was replaced

    def as_dict(self) -> dict[str, Any]:
        a = self.answer
        return {"answer_id": a.answer_id, "verdict": self.verdict, "correction": self.correction,
                "chunk_id": self.chunk_id, "created_at": self.created_at, "asked_at": a.asked_at,
                "question": a.question, "history": list(a.history), "resolved_query": a.resolved_query,
                "kind": a.kind, "answer": a.answer, "citations": list(a.citations), "mode": a.mode,
                "index_version": a.index_version, "source": a.source}


@dataclass(frozen=True)
class DayCount:
    day: str  # YYYY-MM-DD, the server's local time
    questions: int
    not_found: int


@dataclass(frozen=True)
class QuestionStats:
    total: int
    not_found: int
    kinds: dict[str, int]
    by_day: tuple[DayCount, ...]  # oldest first

    @property
    def not_found_share(self) -> float | None:
        return round(self.not_found / self.total, 4) if self.total else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def new_answer_id() -> str:
    """128 random bits as 32 hex digits: unguessable, so feedback can only name answers its
    sender was given."""
    return uuid.uuid4().hex


def served_version(backend: object) -> str:
    """The corpus hash of the index that answered (what /readyz calls `corpus_hash`), shortened."""
    manifest = getattr(backend, "manifest", None)
    return str(getattr(manifest, "corpus_hash", "") or "")[:16]


def citations_of(answer: Answer) -> tuple[dict[str, Any], ...]:
    return tuple({"n": c.n, "chunk_id": c.chunk.chunk_id, "doc_id": c.chunk.doc_id, "city": c.chunk.city,
                  "citation": c.chunk.citation, "highlight": c.highlight, "text": c.chunk.text}
                 for c in answer.citations)


class FeedbackStore:
    """Answer ids, feedback and the optional question log of one data dir (thread-safe)."""

    def __init__(self, data_dir: Path, log_questions: bool = False, recent: int = RECENT_ANSWERS,
                 queue_size: int = LOG_QUEUE) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.log_questions = log_questions
        self._recent: OrderedDict[str, AnswerRecord] = OrderedDict()
        self._recent_max = max(1, recent)
        self._recent_lock = threading.Lock()
        self._db_lock = threading.Lock()  # one connection, one writer at a time
        self._start_lock = threading.Lock()  # starting the log writer (never waits for the disk)
        self._conn: sqlite3.Connection | None = None
        self._queue: queue.Queue[AnswerRecord | None] = queue.Queue(maxsize=max(1, queue_size))
        self._writer: threading.Thread | None = None
        self._dropped = 0

    # --- answers ------------------------------------------------------------------------

    def remember(self, answer: Answer, history: Sequence[str] = (), mode: str = "hybrid",
                 index_version: str = "", source: str = "api", index: object | None = None) -> str:
        """A new answer id for `answer`, remembered for feedback (and logged when the log is on),
        with the version of the index that answered: `index_version`, or read from `index`.
        Never raises and never waits for the disk."""
        if index is not None and not index_version:
            index_version = served_version(index)
        record = AnswerRecord(
            answer_id=new_answer_id(), asked_at=time.time(), question=answer.question, history=tuple(history),
            resolved_query=answer.resolved_query, kind=answer.kind, answer=answer.cited_text,
            citations=citations_of(answer), mode=mode, index_version=index_version, source=source)
        with self._recent_lock:
            self._recent[record.answer_id] = record
            while len(self._recent) > self._recent_max:
                self._recent.popitem(last=False)
        if self.log_questions:
            self._enqueue(record)
        return record.answer_id

    def recall(self, answer_id: str) -> AnswerRecord | None:
        """The remembered answer: the in-memory map first, then the question log (if any)."""
        with self._recent_lock:
            found = self._recent.get(answer_id)
        if found is not None:
            return found
        if not self.path.exists():  # nothing was ever written: do not create the file for a lookup
            return None
        rows = self._read("SELECT * FROM questions WHERE answer_id = ?", (answer_id,))
        return AnswerRecord.from_row(rows[0]) if rows else None

    # --- feedback -----------------------------------------------------------------------

    def record(self, answer_id: str, verdict: str, correction: str = "", chunk_id: str = "") -> FeedbackRecord:
        """Store one verdict (replacing an earlier one on the same answer); returns once it is
        committed. UnknownAnswer, StoreUnavailable; ValueError for a bad verdict or correction."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        if len(correction) > MAX_CORRECTION_CHARS:
            raise ValueError(f"correction: at most {MAX_CORRECTION_CHARS} characters")
        answer = self.recall(answer_id)
        if answer is None:
            raise UnknownAnswer(answer_id)
        created = time.time()
        row = (answer.answer_id, created, verdict, correction, chunk_id, *answer.row()[1:])
        placeholders = ", ".join("?" * len(_FEEDBACK_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in ("created_at", "verdict", "correction", "chunk_id"))

        def write(conn: sqlite3.Connection) -> bool:
            with conn:  # one transaction, committed (and synced: synchronous=FULL) before returning
                replaced = conn.execute("SELECT 1 FROM feedback WHERE answer_id = ?", (answer_id,)).fetchone()
                conn.execute(f"INSERT INTO feedback ({', '.join(_FEEDBACK_COLUMNS)}) VALUES ({placeholders}) "
                             f"ON CONFLICT (answer_id) DO UPDATE SET {updates}", row)
            return replaced is not None

        replaced = self._with_db(write)
        return FeedbackRecord(answer, verdict, correction, chunk_id, created, replaced)

    def feedback(self, verdict: str | None = None, limit: int = 1000) -> list[FeedbackRecord]:
        """Feedback, newest first (optionally one verdict only)."""
        if not self.path.exists():
            return []
        where, args = ("WHERE verdict = ?", (verdict,)) if verdict else ("", ())
        rows = self._read(f"SELECT * FROM feedback {where} ORDER BY created_at DESC LIMIT ?", (*args, limit))
        return [FeedbackRecord(AnswerRecord.from_row(r), r["verdict"], r["correction"], r["chunk_id"],
                               r["created_at"]) for r in rows]

    def verdict_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        if self.path.exists():
            for r in self._read("SELECT verdict, COUNT(*) AS n FROM feedback GROUP BY verdict"):
                counts[r["verdict"]] = r["n"]
        return counts

    # --- the question log ---------------------------------------------------------------

    def question_stats(self, days: int = 90) -> QuestionStats:
        """Logged questions: totals, kinds, and per day (the last `days` days that have any)."""
        if not self.path.exists():
            return QuestionStats(0, 0, {}, ())
        kinds = {r["kind"]: r["n"] for r in self._read("SELECT kind, COUNT(*) AS n FROM questions GROUP BY kind")}
        marks = ", ".join("?" * len(NOT_FOUND_KINDS))
        per_day = self._read(
            "SELECT date(asked_at, 'unixepoch', 'localtime') AS day, COUNT(*) AS n, "
            f"SUM(kind IN ({marks})) AS nf FROM questions GROUP BY day ORDER BY day DESC LIMIT ?",
            (*NOT_FOUND_KINDS, days))
        by_day = tuple(DayCount(r["day"], r["n"], r["nf"] or 0) for r in reversed(per_day))
        return QuestionStats(sum(kinds.values()), sum(kinds.get(k, 0) for k in NOT_FOUND_KINDS), kinds, by_day)

    def logged(self, kinds: Iterable[str] = (), limit: int = 10_000) -> list[AnswerRecord]:
        """Logged answers, newest first (optionally of these kinds only)."""
        if not self.path.exists():
            return []
        wanted = tuple(kinds)
        where = f"WHERE kind IN ({', '.join('?' * len(wanted))})" if wanted else ""
        rows = self._read(f"SELECT * FROM questions {where} ORDER BY asked_at DESC LIMIT ?", (*wanted, limit))
        return [AnswerRecord.from_row(r) for r in rows]

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued log row is written (or dropped); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        """Write what is queued, stop the writer and close the database (a later call opens
        them again)."""
        with self._start_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            try:
                self._queue.put(None, timeout=10)
            except queue.Full:  # the writer is stuck on the disk: leave it (a daemon thread)
                log.warning("question log: the writer did not drain its queue; %d row(s) may be lost",
                            self._queue.qsize())
            writer.join(timeout=10)
        with self._db_lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _enqueue(self, record: AnswerRecord) -> None:
        if self._writer is None:
            with self._start_lock:
                if self._writer is None:
                    self._writer = threading.Thread(target=self._write_log, name="question-log", daemon=True)
                    self._writer.start()
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            self._dropped += 1
            if self._dropped == 1 or self._dropped % 1000 == 0:
                log.warning("question log: %d row(s) dropped, the writer is behind (disk slow or failing)",
                            self._dropped)

    def _write_log(self) -> None:
        """The writer thread: batches of queued answers, one transaction each."""
        placeholders = ", ".join("?" * len(_ANSWER_COLUMNS))
        sql = f"INSERT OR IGNORE INTO questions ({', '.join(_ANSWER_COLUMNS)}) VALUES ({placeholders})"
        while True:
            first = self._queue.get()
            batch = [first]
            while len(batch) < LOG_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            records = [r for r in batch if r is not None]
            try:
                if records:
                    self._with_db(lambda conn: _insert(conn, sql, [r.row() for r in records]))
            except Exception as exc:  # noqa: BLE001 - the writer must outlive any failure
                log.warning("question log: %d row(s) not written: %s", len(records), exc)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if any(r is None for r in batch):
                return

    # --- the database ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                               isolation_level="DEFERRED")
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk, not only in the page cache
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"{self.path.name} was written by a newer version (schema {version})")
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _with_db(self, fn: Any) -> Any:
        """Run `fn(connection)` under the lock; any database or OS failure is StoreUnavailable
        (and the connection is reopened next time)."""
        with self._db_lock:
            try:
                if self._conn is None:
                    self._conn = self._connect()
                return fn(self._conn)
            except (sqlite3.Error, OSError) as exc:
                if self._conn is not None:
                    try:
                        self._conn.close()
                    except sqlite3.Error:
                        pass
                    self._conn = None
                raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from None

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._with_db(lambda conn: conn.execute(sql, tuple(args)).fetchall())


def _insert(conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    with conn:
        conn.executemany(sql, rows)


# --- CSV ---------------------------------------------------------------------------------

CSV_COLUMNS = ("反馈时间", "评价", "问题", "此前的提问", "回答", "引用", "更正或说明", "正确条款chunk_id",
               "回答类型", "检索方式", "索引版本", "提问时间", "来源", "answer_id")


def _local(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _cell(value: str) -> str:
    """Text a spreadsheet would run as a formula ("=…", "+…", "@…", "-" not before a digit)
    is prefixed with an apostrophe, which spreadsheets show as text."""
    risky = value[:1] in ("=", "+", "@") or (value[:1] == "-" and not value[1:2].isdigit())
    return "'" + value if risky else value


def feedback_csv(records: Iterable[FeedbackRecord]) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the Chinese correctly), one row per feedback."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in records:
        a = f.answer
        cited = "\n".join(f"[{c.get('n')}] {c.get('citation', '')}：{c.get('highlight', '')}" for c in a.citations)
        writer.writerow([_cell(v) for v in (
            _local(f.created_at), "有用" if f.verdict == "useful" else "有误", a.question, " / ".join(a.history),
            a.answer, cited, f.correction, f.chunk_id, a.kind, a.mode, a.index_version, _local(a.asked_at),
            a.source, a.answer_id)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
