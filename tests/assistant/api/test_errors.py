from __future__ import annotations

import pytest

from assistant.api.errors import field_name


@pytest.mark.parametrize("loc, name", [
    (("body", "query"), "query"),
    (("body", "messages", 3, "content"), "messages[3].content"),
    (("query", "city", 0), "city[0]"),
    (("body",), "body"),
    ((), "body"),
    (("path", "chunk_id"), "chunk_id"),
])
def test_field_name(loc, name):
    assert field_name(loc) == name
