"""The HTTP API: `create_app` builds it, `serve` runs it (see docs/API.md)."""
