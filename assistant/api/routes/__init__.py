"""One APIRouter per resource, assembled under /api/v1 by `assistant.api.app`."""
