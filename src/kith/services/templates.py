"""The owner's own draft templates: list them, copy a built-in one to edit, save, reset.

Templates live in the ``templates_dir`` folder as ``<kind>.<channel>.<n>.j2``.
The files there for one kind and channel replace *all* its built-in phrasings,
so editing one phrasing first copies its built-in siblings beside it: the
drafts change only where the owner changed words.  Every template is checked
in the same sandbox that renders it before it is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kith.config import Settings
from kith.errors import InputError, NotFound

_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<channel>email|short)\.(?P<n>[A-Za-z0-9_]+)\.j2$")
MAX_TEMPLATE = 20_000


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    name: str
    kind: str
    channel: str
    #: "built-in", or "yours" (a file in the templates folder).
    origin: str
    source: str


def folder(settings: Settings) -> Path:
    return settings.templates_dir


def list_templates(settings: Settings) -> list[TemplateInfo]:
    """Every phrasing in use, by kind and channel: the owner's where they have some."""
    from kith.drafting.render import templates

    found: list[TemplateInfo] = []
    for (kind, channel), phrasings in sorted(templates(folder(settings)).items()):
        for template in phrasings:
            origin = "built-in" if template.origin == "built-in" else "yours"
            found.append(TemplateInfo(template.name, kind, channel, origin, template.source))
    return found


def _known(name: str) -> re.Match[str]:
    from kith.drafting.render import templates

    match = _NAME.match(name)
    if not match or (match["kind"], match["channel"]) not in templates(None):
        raise NotFound(f"there is no draft template called {name!r}")
    return match


def get_template(settings: Settings, name: str) -> TemplateInfo:
    """One template as the drafts use it now (the owner's file, else the built-in one)."""
    match = _known(name)
    for info in list_templates(settings):
        if info.name == name:
            return info
    from kith.drafting.render import templates

    for template in templates(None)[(match["kind"], match["channel"])]:
        if template.name == name:  # a built-in phrasing that the owner's files replace
            return TemplateInfo(name, match["kind"], match["channel"], "built-in", template.source)
    raise NotFound(f"there is no draft template called {name!r}")


def check(source: str, name: str) -> None:
    """Refuse a template the sandbox cannot compile (an ``InputError`` with the line)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    if len(source) > MAX_TEMPLATE:
        raise InputError(f"a template may have at most {MAX_TEMPLATE} characters", field="source")
    try:
        SandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).parse(source)
    except TemplateSyntaxError as exc:
        raise InputError(
            f"{name} has a syntax error on line {exc.lineno}: {exc.message or exc}",
            field="source",
            hint="Jinja2: {{ first_name }} for a value, {% if met_at %}…{% endif %} for a part",
        ) from exc


def save_template(settings: Settings, name: str, source: str) -> Path:
    """Write the owner's version of ``name`` (copying its built-in siblings first)."""
    from kith.drafting.render import templates

    match = _known(name)
    text = source.replace("\r\n", "\n")
    check(text, name)
    target = folder(settings)
    target.mkdir(parents=True, exist_ok=True)
    siblings = list(target.glob(f"{match['kind']}.{match['channel']}.*.j2"))
    if not siblings:
        for template in templates(None)[(match["kind"], match["channel"])]:
            if template.name != name:
                (target / template.name).write_text(template.source, encoding="utf-8")
    path = target / name
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return path


def reset_template(settings: Settings, name: str) -> bool:
    """Go back to the built-in words of ``name``; when none of its kind and channel differ
    from the built-in ones any more, the copies go and the built-ins apply again."""
    from kith.drafting.render import templates

    match = _known(name)
    target = folder(settings)
    path = target / name
    if not path.is_file():
        return False
    builtin = {t.name: t.source for t in templates(None)[(match["kind"], match["channel"])]}
    path.unlink()
    others = sorted(target.glob(f"{match['kind']}.{match['channel']}.*.j2"))
    if all(_same(p, builtin.get(p.name)) for p in others):
        for other in others:
            other.unlink()
    elif name in builtin:
        path.write_text(builtin[name], encoding="utf-8")
    return True


def _same(path: Path, source: str | None) -> bool:
    if source is None:
        return False
    try:
        return path.read_text(encoding="utf-8").rstrip("\n") == source.rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return False
