"""eval.walk: the stops of one chat question, traced through the real API route."""
from __future__ import annotations


def test_the_walk_follows_the_route_to_the_response(search_index):
    from eval.walk import walk
    from tests.conftest import SHARED_DATA_DIR

    result = walk(SHARED_DATA_DIR)
    stops = [(s["module"], s["function"]) for s in result["stops"]]
    assert ("assistant.api.routes.chat", "chat") in stops[:3]
    assert ("assistant.service", "Assistant.answer") in stops
    assert stops.index(("assistant.service", "Assistant.answer")) < stops.index(("assistant.answering.compose", "compose"))
    assert result["count"] == len(stops)
    seen: set[str] = set()
    for stop in result["stops"]:  # a revisit is a return to a module the walk has left
        assert stop["revisit"] == (stop["module"] in seen)
        seen.add(stop["module"])
    assert result["modules"] == len(seen) and result["revisits"] == sum(s["revisit"] for s in result["stops"])


def test_a_deeper_walk_has_every_stop_of_a_shallower_one(search_index):
    from eval.walk import walk
    from tests.conftest import SHARED_DATA_DIR

    shallow, deep = walk(SHARED_DATA_DIR, depth=2), walk(SHARED_DATA_DIR, depth=3)
    modules = {s["module"] for s in deep["stops"]}
    assert {s["module"] for s in shallow["stops"]} < modules
    assert shallow["count"] < deep["count"]
