"""The key that signs session cookies: made once, kept beside the config file (mode 0600)."""

from __future__ import annotations

import os
import secrets

from kith.config import Settings


def session_secret(settings: Settings) -> str:
    """``KITH_WEB_SECRET`` if set, else the key in ``web-secret`` next to the config file."""
    given = os.environ.get("KITH_WEB_SECRET", "")
    if given:
        return given
    path = settings.config_path.parent / "web-secret"
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
