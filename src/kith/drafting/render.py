"""Render drafts from Jinja2 templates in a sandbox.

Templates are named ``<kind>.<channel>.<n>.j2`` (``reconnect.email.1.j2``); all
files for one kind and channel are its phrasings.  Files with those names in the
user's template folder replace the built-in phrasings for that kind and channel.
An e-mail template starts with a ``Subject:`` line, then a blank line, then the
body.  Short messages are kept within ``SHORT_LIMIT`` characters: other
phrasings are tried first, then optional facts are left out, and only then is
the text cut.

Templates are rendered with ``trim_blocks``: a block tag (``{% ... %}``) on a
line of its own leaves nothing behind, and the newline right after a block tag
is dropped.  A paragraph that ends with ``{% endif %}`` is therefore written
``{% endif +%}`` so that the blank line after it stays.

Whatever a template does wrong (a syntax error, an unknown name, an attempt to
reach outside the sandbox) becomes an ``InputError`` naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context as JinjaContext
from jinja2.sandbox import SandboxedEnvironment

from kith.domain.drafts import SHORT_LIMIT, DraftContext, phrasing
from kith.domain.model import Channel, DraftKind
from kith.errors import InputError

_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<channel>email|short)\.(?P<n>\w+)\.j2$")

#: Facts a short message can do without, dropped in this order when it is too long.
_OPTIONAL = (
    "org",
    "last_topic",
    "target_about",
    "common_interest",
    "met_when",
    "shared_interest",
    "met_at",
)
#: The most a template may build with ``*`` or ``**`` (characters, items, digits).
_MAX_SIZE = 100_000


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
        if not match:
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"template {path} cannot be read: {_one_line(str(exc))}",
                field="template",
                hint="save it as UTF-8 text, or remove it",
            ) from exc
        found.setdefault((match["kind"], match["channel"]), []).append(
            Template(path.name, source, str(path))
        )
    return found


def templates(user_dir: Path | None = None) -> dict[tuple[str, str], list[Template]]:
    """Every kind/channel's phrasings; the user's own replace the built-in ones."""
    merged = _builtin()
    merged.update(_user(user_dir))
    return merged


class _Sandbox(SandboxedEnvironment):
    """The Jinja2 sandbox, which also refuses to build huge strings or numbers."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: JinjaContext, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError(f"the power {right} is too large for a template")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and len(seq) * times > _MAX_SIZE
                ):
                    raise SecurityError("a template may not build text that long")
        return super().call_binop(context, operator, left, right)


def _environment() -> SandboxedEnvironment:
    return _Sandbox(
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        undefined=StrictUndefined,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fail(template: Template, exc: Exception) -> InputError:
    where = "built-in" if template.origin == "built-in" else template.origin
    if isinstance(exc, TemplateSyntaxError):
        problem = f"has a syntax error on line {exc.lineno}: {_one_line(exc.message or str(exc))}"
    elif isinstance(exc, SecurityError):
        problem = f"tried something the sandbox does not allow: {_one_line(str(exc))}"
    elif isinstance(exc, TypeError) and "loader" in str(exc):
        problem = "cannot include or import other templates"
    else:
        problem = f"cannot be rendered: {_one_line(str(exc)) or type(exc).__name__}"
    return InputError(
        f"template {template.name} ({where}) {problem}",
        field="template",
        hint=(
            "this is a bug in Kith; please report it"
            if template.origin == "built-in"
            else "fix or remove your template file"
        ),
    )


def _render_one(env: SandboxedEnvironment, template: Template, values: dict[str, Any]) -> str:
    try:
        return env.from_string(template.source).render(**values)
    except (
        TemplateError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        RecursionError,
        MemoryError,
    ) as exc:
        raise _fail(template, exc) from exc


def render(context: DraftContext, *, uid: str, user_dir: Path | None = None) -> Draft:
    """The draft for ``context``; the phrasing is chosen by ``uid`` so it stays stable."""
    kind, channel = DraftKind(context.kind), Channel(context.channel)
    choices = templates(user_dir).get((kind.value, channel.value))
    if not choices:
        raise InputError(f"there is no template for a {kind.value} {channel.value}")
    start = phrasing(uid, kind, channel, len(choices))
    ordered = choices[start:] + choices[:start]
    env = _environment()
    first = _first_that_fits(env, ordered, context, kind, channel)
    if channel is not Channel.SHORT or len(first.body) <= SHORT_LIMIT:
        return first
    lean = context
    for name in _OPTIONAL:
        if not getattr(lean, name):
            continue
        blank: dict[str, Any] = {name: ""}
        lean = replace(lean, **blank)
        draft = _first_that_fits(env, ordered, lean, kind, channel)
        if len(draft.body) <= SHORT_LIMIT:
            return draft
    draft = _first_that_fits(env, ordered, lean, kind, channel)
    return replace(draft, body=_trim(draft.body, SHORT_LIMIT, context.short_signature))


def _first_that_fits(
    env: SandboxedEnvironment,
    ordered: Sequence[Template],
    context: DraftContext,
    kind: DraftKind,
    channel: Channel,
) -> Draft:
    """The first phrasing that fits (short messages), else the person's own phrasing."""
    values = context.as_dict()
    drafts: list[Draft] = []
    for template in ordered:
        draft = _shape(_render_one(env, template, values), kind, channel, template.name)
        if channel is not Channel.SHORT or len(draft.body) <= SHORT_LIMIT:
            return draft
        drafts.append(draft)
    return drafts[0]


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


def _trim(text: str, limit: int, signature: str = "") -> str:
    """Cut ``text`` to ``limit`` characters at a word, keeping the signature at the end."""
    if len(text) <= limit:
        return text
    tail = ""
    if signature and text.endswith(signature) and len(signature) < limit // 3:
        text = text[: -len(signature)].rstrip()
        tail = " " + signature
    room = limit - len(tail) - 1
    cut = text[:room].rsplit(" ", 1)[0] if " " in text[:room] else text[:room]
    return cut.rstrip(",;:—- ") + "…" + tail
