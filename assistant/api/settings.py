"""API settings, read from `POLICYQA_*` environment variables; bad values stop start-up.

| variable                    | default  | meaning                                                  |
|-----------------------------|----------|----------------------------------------------------------|
| POLICYQA_DATA_DIR           | .data/   | index and added plans                                    |
| POLICYQA_ADMIN_TOKEN        | (unset)  | bearer token for uploads; unset = uploads disabled (403) |
| POLICYQA_DIFY_API_KEY       | (unset)  | bearer key Dify must send to /api/v1/dify; unset = open  |
| POLICYQA_MAX_UPLOAD_BYTES   | 10 MiB   | largest accepted plan file                               |
| POLICYQA_MAX_QUERY_CHARS    | 500      | longest query / chat message                             |
| POLICYQA_MAX_HISTORY_TURNS  | 20       | most earlier user turns in search history or chat        |
| POLICYQA_MAX_BODY_BYTES     | 256 KiB  | largest JSON request body                                |
| POLICYQA_CORS_ORIGINS       | (empty)  | comma-separated allowed origins; empty = CORS closed     |
| POLICYQA_MOUNT_UI           | true     | mount the chat page at /ui when `ui.app` is importable   |
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIB = 1024 * 1024
MIN_TOKEN_CHARS = 16  # a shorter shared secret is guessable; refuse it rather than run weakly


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore", frozen=True)

    data_dir: Path | None = None
    admin_token: SecretStr | None = Field(None, description="Bearer token for uploads; unset = uploads disabled.")
    dify_api_key: SecretStr | None = Field(
        None, description="API key Dify sends as a bearer token to /api/v1/dify/retrieval; unset = no check.")
    max_upload_bytes: int = Field(10 * MIB, ge=1, le=1024 * MIB)
    max_query_chars: int = Field(500, ge=1, le=10_000)
    max_history_turns: int = Field(20, ge=0, le=200)
    max_body_bytes: int = Field(256 * 1024, ge=1024, le=64 * MIB)
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    mount_ui: bool = True

    @field_validator("admin_token", "dify_api_key", mode="before")
    @classmethod
    def _token(cls, value: object, info: ValidationInfo) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or (isinstance(raw, str) and raw == ""):
            return None  # an empty variable means "not set"
        if not isinstance(raw, str):
            raise ValueError(f"{info.field_name} must be a string")
        if len(raw) < MIN_TOKEN_CHARS or any(ch.isspace() for ch in raw) or not raw.isascii():
            raise ValueError(f"{info.field_name} must be at least {MIN_TOKEN_CHARS} ASCII characters without spaces")
        return raw

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        origins = tuple(value or ())
        for origin in origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"cors origin {origin!r} must start with http:// or https:// (or be *)")
        return origins

    @property
    def ingestion_enabled(self) -> bool:
        return self.admin_token is not None
