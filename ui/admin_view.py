"""`GET /ui-admin`: the admin page for answer feedback and the question log (Chinese, no CDN).

The page carries no data: its script (ui/static/admin.js) asks for the admin token, reads
`GET /api/v1/admin/feedback` with `Authorization: Bearer <token>` (the one admin scheme, as
uploads use) and shows the answers marked 有误 with their citations and corrections, the
questions per day and the share answered "not found". The token is kept in the tab's
sessionStorage only. This module does not import Gradio.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

STATIC_DIR = Path(__file__).parent / "static"
ADMIN_ROUTE = "/ui-admin"

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>问答反馈与提问记录 · 节能减排政策问答助手</title>
<style>{css}</style>
</head>
<body>
<header class="adm-header">
  <h1>问答反馈与提问记录</h1>
  <p>被标为“有误”的回答及其引用和更正、每日提问数、回答“未找到”的比例。仅限管理员查看。</p>
</header>
<form id="adm-login" class="adm-login" autocomplete="off">
  <label for="adm-token">管理员令牌（POLICYQA_ADMIN_TOKEN）</label>
  <input id="adm-token" type="password" required>
  <button id="adm-show" type="submit">查看</button>
</form>
<div id="adm-status" class="adm-status" role="status"></div>
<main id="adm-main" hidden>
  <section class="adm-summary" id="adm-summary"></section>
  <section>
    <div class="adm-title-row">
      <h2>标为“有误”的回答</h2>
      <button id="adm-csv" type="button">导出全部反馈（CSV）</button>
    </div>
    <div id="adm-wrong"></div>
  </section>
  <section>
    <h2>每日提问数</h2>
    <div id="adm-days"></div>
  </section>
  <section>
    <h2>标为“有用”的回答</h2>
    <div id="adm-useful"></div>
  </section>
</main>
<script>{js}</script>
</body>
</html>
"""


@cache
def admin_page() -> str:
    css = (STATIC_DIR / "admin.css").read_text(encoding="utf-8")
    js = (STATIC_DIR / "admin.js").read_text(encoding="utf-8")
    return _PAGE.replace("{css}", css).replace("{js}", js)


def admin_router() -> APIRouter:
    router = APIRouter()

    @router.get(ADMIN_ROUTE, response_class=HTMLResponse, include_in_schema=False)
    def admin() -> HTMLResponse:
        return HTMLResponse(admin_page(), headers={"Cache-Control": "no-store"})

    return router
