"""Normalise names, e-mail addresses, phone numbers, links and dates on the way in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kith.errors import InputError

#: Plain ASCII addresses, checked here; anything else goes to email-validator.
_PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63})$"
)
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def normalize_email(text: str) -> str:
    """``  Ann@Example.COM `` → ``ann@example.com``; refuses what is not an address."""
    candidate = text.strip()
    plain = _PLAIN_EMAIL.match(candidate)
    if (
        plain
        and plain.group(1).lower() not in _SPECIAL_USE
        and len(candidate) <= 254
        and candidate.index("@") <= 64
        and "--" not in candidate[candidate.index("@") :]  # IDNA rules: left to the library
    ):
        return candidate.casefold()
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(candidate, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise InputError(
            f"{candidate!r} is not a valid e-mail address: {exc}",
            field="email",
            value=text,
            hint="write it as name@example.com",
        ) from exc
    return result.normalized.casefold()


def normalize_phone(text: str, region: str = "") -> str:
    """A phone number in E.164 (``+442071838750``); ``region`` for numbers without +code."""
    import phonenumbers

    candidate = text.strip()
    try:
        number = phonenumbers.parse(candidate, region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        hint = (
            "start it with + and the country code, or set default_region "
            "(`kith config set default_region GB`)"
            if not region and not candidate.startswith("+")
            else "check the digits"
        )
        raise InputError(
            f"{candidate!r} is not a phone number Kith can read",
            field="phone",
            value=text,
            hint=hint,
        ) from exc
    if not phonenumbers.is_possible_number(number):
        raise InputError(
            f"{candidate!r} has the wrong number of digits for a phone number",
            field="phone",
            value=text,
            hint="check the digits and the country code",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


#: The longest given or family name stored (a name of one 300-character word must fit).
NAME_PART_MAX = 200


def split_name(full: str) -> tuple[str, str]:
    """(given, family) from a full name, with nameparser (titles and suffixes understood)."""
    from nameparser import HumanName

    parsed = HumanName(full.strip())
    given = str(parsed.first).strip()[:NAME_PART_MAX]
    family = str(parsed.last).strip()[:NAME_PART_MAX]
    return given, family


def clean_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise InputError("a person needs a name", field="name", hint="e.g. kith add 'Ada Lovelace'")
    if len(name) > 300:
        raise InputError("that name is longer than 300 characters", field="name")
    return name


def parse_date(text: str, field: str = "date", today: date | None = None) -> date:
    """``YYYY-MM-DD``, or ``today`` / ``yesterday`` relative to ``today``."""
    value = text.strip().lower()
    if today is not None and value in ("today", "yesterday", "tomorrow"):
        return today + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[value])
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            f"{text!r} is not a date", field=field, value=text, hint="write it as YYYY-MM-DD"
        ) from exc


def zone(name: str) -> tzinfo:
    """The time zone called ``name`` (IANA, e.g. Europe/London); UTC when empty."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"{name!r} is not a time zone Kith knows",
            field="timezone",
            value=name,
            hint="use an IANA name such as Europe/London or America/New_York",
        ) from exc


def day_at_noon(day: date, tz: tzinfo) -> datetime:
    """A date given without a time means midday in the owner's time zone, stored in UTC."""
    return datetime.combine(day, time(12), tz).astimezone(UTC)


def parse_moment(text: str, tz: tzinfo) -> datetime:
    """``YYYY-MM-DD`` (midday, owner's zone) or a full ISO time; returned in UTC."""
    value = text.strip()
    try:
        if len(value) == 10:
            return day_at_noon(date.fromisoformat(value), tz)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            f"{text!r} is not a date", field="date", value=text, hint="write it as YYYY-MM-DD"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def normalize_url(text: str) -> str:
    value = text.strip()
    if not value:
        raise InputError("an empty link", field="url")
    if "://" not in value:
        value = "https://" + value
    return value
