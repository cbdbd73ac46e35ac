"""The HTTP API: `create_api` builds it (the served app with the chat page is policyqa.app's
`create_app`; see docs/API.md)."""
