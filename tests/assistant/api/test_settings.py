from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.api.server import EXIT_USAGE, load_settings
from assistant.api.settings import ApiSettings

from .conftest import ADMIN_TOKEN


def test_defaults_are_closed_and_bounded(monkeypatch):
    for name in ("ADMIN_TOKEN", "CORS_ORIGINS", "MAX_UPLOAD_BYTES", "MAX_QUERY_CHARS", "MAX_HISTORY_TURNS"):
        monkeypatch.delenv(f"POLICYQA_{name}", raising=False)
    settings = ApiSettings()
    assert settings.admin_token is None and not settings.ingestion_enabled
    assert settings.cors_origins == ()
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert (settings.max_query_chars, settings.max_history_turns) == (500, 20)


def test_reads_prefixed_environment(monkeypatch):
    monkeypatch.setenv("POLICYQA_MAX_QUERY_CHARS", "120")
    monkeypatch.setenv("POLICYQA_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("POLICYQA_CORS_ORIGINS", "http://a.example, https://b.example")
    settings = ApiSettings()
    assert settings.max_query_chars == 120
    assert settings.admin_token.get_secret_value() == ADMIN_TOKEN
    assert ADMIN_TOKEN not in repr(settings)  # SecretStr: never printed by accident
    assert settings.cors_origins == ("http://a.example", "https://b.example")


def test_empty_token_means_ingestion_disabled(monkeypatch):
    monkeypatch.setenv("POLICYQA_ADMIN_TOKEN", "")
    assert not ApiSettings().ingestion_enabled


@pytest.mark.parametrize("field, value", [
    ("max_upload_bytes", 0),
    ("max_query_chars", -1),
    ("max_history_turns", 100_000),
    ("max_body_bytes", 10),
    ("admin_token", "short"),
    ("admin_token", "has spaces in the middle!!"),
    ("dify_api_key", "short"),
    ("cors_origins", "ftp://x.example"),
])
def test_bad_values_are_refused(field, value):
    with pytest.raises(ValidationError) as err:
        ApiSettings(**{field: value})
    assert field in str(err.value)


def test_serve_exits_with_one_line_reason_on_bad_environment(monkeypatch, capsys):
    secret = "tiny"
    monkeypatch.setenv("POLICYQA_ADMIN_TOKEN", secret)
    with pytest.raises(SystemExit) as exc:
        load_settings()
    assert exc.value.code == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: invalid settings: POLICYQA_ADMIN_TOKEN")
    assert "\n" not in err and secret not in err


def test_dify_key_is_secret_and_off_when_empty(monkeypatch):
    monkeypatch.setenv("POLICYQA_DIFY_API_KEY", "")
    assert ApiSettings().dify_api_key is None
    monkeypatch.setenv("POLICYQA_DIFY_API_KEY", "dify-key-0123456789abcdef")
    settings = ApiSettings()
    assert settings.dify_api_key.get_secret_value() == "dify-key-0123456789abcdef"
    assert "dify-key-0123456789abcdef" not in repr(settings)
