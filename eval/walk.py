"""`python -m eval walk`: the stops one chat question makes from the route to the response.

A stop is a call that crosses from one of the project's modules into another (module:function),
in the order the calls are made, traced with `sys.setprofile` while the API's chat route
(`assistant.api.routes.chat.chat`, its dependencies resolved as FastAPI resolves them) answers
one question on the five-plan index. Calls inside a module, into libraries and into
comprehensions are not stops. A return to a module already left counts as a revisit: a
question's path in a straight line visits each module once (issue 25's measure).

Writes eval/results/walk.json and the walk section of docs/ARCHITECTURE.md (between its walk
markers): the stops as a numbered list, with their count, the modules and the revisits.
"""
from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "eval" / "results" / "walk.json"
ARCHITECTURE = REPO / "docs" / "ARCHITECTURE.md"
PACKAGES = ("assistant", "corpus", "index", "policyqa", "ui")
DEPTH = 3  # stops a stop may be nested in: the route, the service, the steps it calls
QUESTION = "铁岭2025年城镇清洁取暖率目标是多少？"
START, END = "<!-- walk:start (python -m eval walk) -->", "<!-- walk:end -->"


@dataclass(frozen=True)
class Stop:
    module: str
    function: str
    revisit: bool  # the module was left before


def _module(frame: FrameType | None) -> str:
    name = frame.f_globals.get("__name__", "") if frame is not None else ""
    return name if name.split(".")[0] in PACKAGES else ""


def trace(fn: Any, depth: int) -> list[Stop]:
    """The stops `fn()` makes (module doc), `depth` stops deep at most (the route is 1)."""
    stops: list[Stop] = []
    visited: set[str] = set()
    open_: list[tuple[str, int]] = []  # each open project frame: its module, the stops above it

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        module = _module(frame)
        if not module or frame.f_code.co_name.startswith("<") or frame.f_code.co_filename.startswith("<"):
            return
        if event == "call":
            caller, level = open_[-1] if open_ else ("", 0)
            if module != caller:
                level += 1
                if level <= depth:
                    stops.append(Stop(module, frame.f_code.co_qualname, module in visited))
                    visited.add(module)
            open_.append((module, level))
        elif event == "return" and open_:
            open_.pop()

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return stops


def walk(data_dir: Path | None, question: str = QUESTION, depth: int = DEPTH) -> dict[str, Any]:
    from assistant.api.app import create_api
    from assistant.api.routes.chat import chat
    from assistant.api.schemas import ChatRequest
    from assistant.feedback import FeedbackStore
    from index.engine import SearchIndex
    from policyqa.settings import Settings

    settings = Settings(data_dir=data_dir)
    index = SearchIndex.open(data_dir, build=False)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_api(settings, index=index, feedback=FeedbackStore(Path(tmp) / "feedback.sqlite3"))
        state = app.state.api
        body = ChatRequest(messages=[{"role": "user", "content": question}])

        def ask() -> Any:
            return chat(body, state.current(), state.settings, state)

        ask()  # warm: caches filled, nothing imported on the way
        stops = trace(ask, depth)
    modules = list(dict.fromkeys(s.module for s in stops))
    return {"question": question, "stops": [asdict(s) for s in stops], "count": len(stops),
            "modules": len(modules), "revisits": sum(s.revisit for s in stops)}


def markdown(result: dict[str, Any]) -> str:
    lines = [START, "",
             f"One chat question (\"{result['question']}\", POST /api/v1/chat on the five plans) makes "
             f"{result['count']} stops in {result['modules']} modules and comes back "
             f"{result['revisits']} times to a module already left (`python -m eval walk`, "
             "`eval/results/walk.json`; a stop is a call from one of the project's modules into "
             "another, a revisit is marked ↩):", ""]
    for i, stop in enumerate(result["stops"], 1):
        lines.append(f"{i}. {'↩ ' if stop['revisit'] else ''}`{stop['module']}:{stop['function']}`")
    return "\n".join([*lines, "", END])


def main(data_dir: Path | None = None) -> int:
    result = walk(data_dir)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = markdown(result)
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## One chat question, stop by stop\n\n" + section + "\n"
    ARCHITECTURE.write_text(text, encoding="utf-8")
    print(f"{result['count']} stops in {result['modules']} modules, {result['revisits']} revisits")
    return 0
