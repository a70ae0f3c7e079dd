"""Kith's own scripts, styles and icons: addressed by their content, cached for good.

A page names each file with ``asset("kith.css")``: ``/static/kith.css?v=<digest>``,
the digest of the file's bytes.  Asked for with that digest, the file is sent with
``Cache-Control: immutable`` for a year, so a browser loads the styles and HTMX
once and then asks only for the page; a new version of Kith has new digests, so
nobody keeps an old file.  Asked for without it (an old bookmark, a tool), the
browser is told to check first (``no-cache``: a 304 while the file is the same).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

ROOT = (Path(__file__).parent / "static").resolve()
FOREVER = "public, max-age=31536000, immutable"


@lru_cache(maxsize=64)
def digest(name: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``static/name``."""
    return hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12]


def asset(name: str) -> str:
    """The address of ``static/name`` with its digest (for pages)."""
    return f"/static/{name}?v={digest(name)}"


class Assets(StaticFiles):
    """``StaticFiles`` that lets browsers keep a file asked for by its digest."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = Path(full_path)
        asked = scope.get("query_string", b"").decode("latin-1")
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else None
        current = name is not None and asked == f"v={digest(name)}"
        response.headers["cache-control"] = FOREVER if current else "no-cache"
        return response
