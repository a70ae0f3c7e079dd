"""Render drafts from Jinja2 templates in a sandbox.

Templates are named ``<kind>.<channel>.<n>.j2`` (``reconnect.email.1.j2``); all
files for one kind and channel are its phrasings.  Files with those names in the
user's template folder replace the built-in phrasings for that kind and channel.
An e-mail template starts with a ``Subject:`` line, then a blank line, then the
body.  Short messages are kept within ``SHORT_LIMIT`` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from kith.domain.drafts import SHORT_LIMIT, DraftContext, phrasing
from kith.domain.model import Channel, DraftKind
from kith.errors import InputError

_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<channel>email|short)\.(?P<n>\w+)\.j2$")


@dataclass(frozen=True, slots=True)
class Draft:
    kind: DraftKind
    channel: Channel
    subject: str
    body: str
    template: str


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    source: str
    origin: str  # "built-in" or the file's path


def _builtin() -> dict[tuple[str, str], list[Template]]:
    found: dict[tuple[str, str], list[Template]] = {}
    folder = resources.files("kith.drafting") / "templates"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        match = _NAME.match(entry.name)
        if match:
            found.setdefault((match["kind"], match["channel"]), []).append(
                Template(entry.name, entry.read_text(encoding="utf-8"), "built-in")
            )
    return found


def _user(folder: Path | None) -> dict[tuple[str, str], list[Template]]:
    found: dict[tuple[str, str], list[Template]] = {}
    if folder is None or not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.j2")):
        match = _NAME.match(path.name)
        if match:
            found.setdefault((match["kind"], match["channel"]), []).append(
                Template(path.name, path.read_text(encoding="utf-8"), str(path))
            )
    return found


def templates(user_dir: Path | None = None) -> dict[tuple[str, str], list[Template]]:
    """Every kind/channel's phrasings; the user's own replace the built-in ones."""
    merged = _builtin()
    merged.update(_user(user_dir))
    return merged


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        undefined=StrictUndefined,
    )


def render(context: DraftContext, *, uid: str, user_dir: Path | None = None) -> Draft:
    """The draft for ``context``; the phrasing is chosen by ``uid`` so it stays stable."""
    kind, channel = DraftKind(context.kind), Channel(context.channel)
    choices = templates(user_dir).get((kind.value, channel.value))
    if not choices:
        raise InputError(f"there is no template for a {kind.value} {channel.value}")
    start = phrasing(uid, kind, channel, len(choices))
    ordered = choices[start:] + choices[:start]
    env = _environment()
    rendered: list[Draft] = []
    for template in ordered:
        try:
            text = env.from_string(template.source).render(**context.as_dict())
        except TemplateError as exc:
            raise InputError(
                f"template {template.name} ({template.origin}) cannot be rendered: {exc}",
                hint="fix or remove your template file",
            ) from exc
        draft = _shape(text, kind, channel, template.name)
        if channel is not Channel.SHORT or len(draft.body) <= SHORT_LIMIT:
            return draft
        rendered.append(draft)
    first = rendered[0]
    return Draft(kind, channel, "", _trim(first.body, SHORT_LIMIT), first.template)


def _shape(text: str, kind: DraftKind, channel: Channel, name: str) -> Draft:
    subject = ""
    lines = text.strip().splitlines()
    if channel is Channel.EMAIL and lines and lines[0].lower().startswith("subject:"):
        subject = " ".join(lines[0].split(":", 1)[1].split())
        lines = lines[1:]
    body = "\n".join(line.rstrip() for line in lines).strip()
    body = re.sub(r"\n{3,}", "\n\n", body)
    body = re.sub(r"[ \t]{2,}", " ", body)
    if channel is Channel.SHORT:
        body = " ".join(body.split())
    return Draft(kind, channel, subject, body, name)


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—- ") + "…"
