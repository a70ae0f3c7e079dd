"""Settings: one schema drives the defaults, the config file, the environment and the help.

Each value comes from (in increasing priority) the built-in default, the config
file (``config.toml`` in the user config directory, or ``KITH_CONFIG``), or an
environment variable ``KITH_<NAME>``.  ``Settings.origin`` says which, so that
``kith config show`` can tell a person where every value came from.  Settings
are built once and passed in; there is no module-level singleton.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kith.errors import InputError

APP_NAME = "kith"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _positive_float(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _circle(value: Any) -> str:
    from kith.domain.model import Circle

    return Circle(str(value)).value


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str


SPEC: tuple[Option, ...] = (
    Option("db", "", str, "database path or URL; empty means kith.db in the user data directory"),
    Option("daily_budget", 5, _positive_int, "how many people the daily agenda shows"),
    Option("max_reconnects", 2, _positive_int, "at most this many reconnects a day"),
    Option("weekly_goal", 10, _positive_int, "outreach you aim to send each week"),
    Option("half_life_days", 180.0, _positive_float, "days for an interaction's weight to halve"),
    Option("default_circle", "active", _circle, "circle of someone with too little history"),
    Option("inner_days", 14, _positive_int, "cadence of the inner circle"),
    Option("close_days", 30, _positive_int, "cadence of the close circle"),
    Option("active_days", 90, _positive_int, "cadence of the active circle"),
    Option("wider_days", 180, _positive_int, "cadence of the wider circle"),
    Option("acquaintance_days", 365, _positive_int, "cadence of acquaintances"),
    Option(
        "losing_touch_ratio", 1.5, _positive_float, "days since ÷ cadence that means losing touch"
    ),
    Option("follow_up_days", 14, _positive_int, "after a meeting, how long a follow-up stays due"),
    Option("reply_after_days", 3, _positive_int, "an unanswered message becomes a reply owed"),
    Option(
        "reply_window_days", 30, _positive_int, "after this a reply owed turns into a reconnect"
    ),
    Option("birthday_lead_days", 7, _positive_int, "how early birthdays show on the agenda"),
    Option("dormant_after_days", 90, _positive_int, "no contact for this long may mean dormant"),
    Option("dormant_min_peak", 30, _positive_int, "peak strength that made a tie real"),
    Option("no_reply_after_days", 21, _positive_int, "a sent outreach becomes 'no reply' after"),
    Option("quiet_after_unanswered", 2, _positive_int, "go quiet after this many unanswered"),
    Option("default_region", "", str, "country for phone numbers written without +code (e.g. GB)"),
    Option("templates_dir", "", str, "folder of your own draft templates; empty means default"),
    Option("keep_photos", True, _flag, "keep photos found in imported vCards"),
    Option("max_photo_kb", 256, _positive_int, "photos larger than this are left out (KB)"),
    Option(
        "mail_max_recipients", 20, _positive_int, "mail to more people than this is not contact"
    ),
    Option(
        "mail_role_addresses",
        "",
        str,
        "more role addresses to leave out, comma-separated local parts (regex), e.g. jobs,press",
    ),
    Option("mail_skip_lists", True, _flag, "leave out mail with List-Id or List-Unsubscribe"),
    Option("mail_skip_bulk", True, _flag, "leave out mail marked Precedence: bulk, list or junk"),
    Option("mail_skip_automatic", True, _flag, "leave out mail with Auto-Submitted (not 'no')"),
    Option(
        "calendars",
        [],
        lambda v: _calendars(v),
        "your calendars: files or URLs (kith calendar add)",
    ),
    Option(
        "calendar_max_attendees",
        10,
        lambda v: _at_least(v, 2),
        "events with more people than this (you included) are not counted as meetings",
    ),
    Option("work_days", "mon,tue,wed,thu,fri", lambda v: _work_days(v), "your working days"),
    Option("work_hours", "09:00-17:00", lambda v: _work_hours(v), "your working hours, your time"),
    Option("slot_minutes", 30, lambda v: _at_least(v, 10), "length of the slots drafts propose"),
    Option("free_days", 14, lambda v: _at_least(v, 1), "how many days ahead drafts propose slots"),
    Option("slot_notice_hours", 12, _positive_int, "no slot is proposed sooner than this"),
    Option("calendar_timeout", 20, lambda v: _at_least(v, 1), "seconds to wait for a calendar URL"),
)
_BY_NAME = {option.name: option for option in SPEC}


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting's value and where it came from (``default``, a file path, or ``env``)."""

    values: Mapping[str, Any]
    origins: Mapping[str, str]
    config_path: Path

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def templates_dir(self) -> Path:
        configured = self.values["templates_dir"]
        return (
            Path(configured).expanduser() if configured else self.config_path.parent / "templates"
        )

    def rules(self) -> Any:
        """The engine's ``Rules`` from these settings."""
        from kith.domain.model import Circle
        from kith.domain.rules import Rules

        v = self.values
        return Rules(
            circle_days={c: int(v[f"{c.value}_days"]) for c in Circle if c is not Circle.NONE},
            default_circle=Circle(v["default_circle"]),
            half_life_days=float(v["half_life_days"]),
            losing_touch_ratio=float(v["losing_touch_ratio"]),
            follow_up_days=int(v["follow_up_days"]),
            reply_after_days=int(v["reply_after_days"]),
            reply_window_days=int(v["reply_window_days"]),
            birthday_lead_days=int(v["birthday_lead_days"]),
            dormant_after_days=int(v["dormant_after_days"]),
            dormant_min_peak=int(v["dormant_min_peak"]),
            no_reply_after_days=int(v["no_reply_after_days"]),
            quiet_after_unanswered=int(v["quiet_after_unanswered"]),
            daily_budget=int(v["daily_budget"]),
            max_reconnects=int(v["max_reconnects"]),
        )


def default_config_path(env: Mapping[str, str]) -> Path:
    configured = env.get("KITH_CONFIG")
    return Path(configured).expanduser() if configured else user_config_dir() / "config.toml"


def load_settings(
    env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Defaults, then the config file, then ``KITH_*`` variables, then ``overrides``."""
    env = os.environ if env is None else env
    path = default_config_path(env)
    values = {o.name: o.default for o in SPEC}
    origins = dict.fromkeys(values, "default")
    for name, raw in _read_file(path).items():
        values[name] = _parse(name, raw, str(path))
        origins[name] = str(path)
    for option in SPEC:
        raw = env.get(f"KITH_{option.name.upper()}")
        if raw not in (None, ""):
            values[option.name] = _parse(option.name, raw, f"KITH_{option.name.upper()}")
            origins[option.name] = "env"
    for name, raw in (overrides or {}).items():
        values[name] = _parse(name, raw, "command line")
        origins[name] = "command line"
    return Settings(values, origins, path)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"config file {path} is not valid TOML: {exc}", field="config") from exc
    unknown = sorted(set(data) - set(_BY_NAME))
    if unknown:
        raise InputError(
            f"config file {path} has unknown settings: {', '.join(unknown)}",
            hint="`kith config show` lists the settings Kith knows",
        )
    return data


def _parse(name: str, raw: Any, where: str) -> Any:
    option = _BY_NAME.get(name)
    if option is None:
        raise InputError(f"unknown setting {name!r}", hint="`kith config show` lists them")
    try:
        return option.parse(raw)
    except (TypeError, ValueError) as exc:
        raise InputError(f"setting {name} = {raw!r} from {where} is not valid: {exc}") from exc


def write_setting(path: Path, name: str, raw: str | None) -> None:
    """Set (or with ``raw`` None, remove) one setting in the config file."""
    import tomli_w

    if name not in _BY_NAME:
        raise InputError(f"unknown setting {name!r}", hint="`kith config show` lists them")
    data = _read_file(path)
    if raw is None:
        data.pop(name, None)
    else:
        _parse(name, raw, "command line")
        option = _BY_NAME[name]
        data[name] = option.parse(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


# -- calendars and availability ----------------------------------------------------------


def _calendars(value: Any) -> list[str]:
    """A list of files or URLs; as text (KITH_CALENDARS, `config set`), one per line."""
    items = value.splitlines() if isinstance(value, str) else list(value)
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def _at_least(value: Any, low: int) -> int:
    number = int(value)
    if number < low:
        raise ValueError(f"must be at least {low}")
    return number


def _work_days(value: Any) -> str:
    from kith.domain.availability import format_work_days, parse_work_days

    return format_work_days(parse_work_days(str(value)))


def _work_hours(value: Any) -> str:
    from kith.domain.availability import format_work_hours, parse_work_hours

    return format_work_hours(parse_work_hours(str(value)))
