#!/usr/bin/env python3
"""The shared table of timestamp and duration strings, with reference outcomes.

Writes Tests/TouchstoneTimeTests/Fixtures/time_strings.json: every string Touchstone's time
parsing is tested with, at every entry point (the parser's unit tests and the command-line tests
through exposure logs, event logs, `expose`, touchpoints, config dates and flags), with the outcome
computed here independently of the Swift parser:

- timestamps: microseconds since the Unix epoch, or the reason for rejection. The grammar
  (documented on TouchstoneTime's `Timestamp`) is matched with regular expressions; the calendar
  is Python's `datetime` (which refuses 2026-02-31, 24:00 and second 60 on its own), offsets are
  `timezone(timedelta(...))`, fractions are exact `Decimal`s floored to the microsecond.
- durations: microseconds, or the reason. Exact `Decimal` arithmetic floored to the microsecond.

Run from the repository root: python3 Scripts/make_time_reference.py
"""
import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, ROUND_FLOOR
from pathlib import Path

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MIN_MICROS = -62_135_596_800_000_000          # 0001-01-01T00:00:00Z
MAX_MICROS = 253_402_300_799_999_999          # 9999-12-31T23:59:59.999999Z

# (text, note). The outcome is computed, not written here.
TIMESTAMPS = [
    # ISO 8601 shapes
    ("2026-03-01T12:34:56Z", "UTC designator"),
    ("2026-03-01T12:34:56z", "lower-case z"),
    ("2026-03-01t12:34:56Z", "lower-case t"),
    ("2026-03-01 12:34:56", "space separator, no zone: UTC"),
    ("2026-03-01T12:34", "no seconds"),
    ("2026-03-01T12:34Z", "no seconds, zone"),
    ("2026-03-01", "date only: midnight UTC"),
    ("2026-03-01T12:34:56.5Z", "fraction"),
    ("2026-03-01T12:34:56,25Z", "decimal comma in ISO fraction"),
    ("2026-03-01T12:34:56.123456789Z", "nanoseconds floored to microseconds"),
    ("2026-03-01T14:34:56+02:00", "offset +HH:MM"),
    ("2026-03-01T07:04:56-0530", "offset -HHMM"),
    ("2026-03-01T14:34:56+02", "offset +HH"),
    ("2026-03-01 12:34:56+00", "PostgreSQL text output"),
    ("2026-03-01T00:00:00+23:59", "largest offset"),
    ("2026-03-01T23:59:59.999999Z", "last microsecond of a day"),
    (" 2026-03-01T12:34:56Z ", "surrounding blanks"),
    ("2024-02-29T00:00:00Z", "leap day"),
    ("2000-02-29", "leap century"),
    ("1969-12-31T23:59:59Z", "before the epoch"),
    ("0001-01-01T00:00:00Z", "first instant"),
    ("9999-12-31T23:59:59.999999Z", "last instant"),
    # epoch seconds
    ("1772368496", "epoch seconds"),
    ("0", "the epoch"),
    ("+1772368496", "explicit plus"),
    ("-86400", "negative epoch"),
    ("1772368496.5", "fractional epoch"),
    ("1772368496.000001", "one microsecond"),
    ("1772368496.0000019", "beyond microseconds: floored"),
    ("-0.5", "negative fraction"),
    ("-1.0000001", "negative, beyond microseconds: floored toward the past"),
    ("253402300799", "last epoch second"),
    ("-62135596800", "first epoch second"),
    # impossible dates and times
    ("2026-02-31", "no such date"),
    ("2025-02-29", "not a leap year"),
    ("2100-02-29", "century, not a leap year"),
    ("2026-04-31", "30-day month"),
    ("2026-13-01", "month 13"),
    ("2026-00-10", "month 0"),
    ("2026-03-00", "day 0"),
    ("2026-03-01T24:00:00Z", "hour 24"),
    ("2026-03-01T24:00:01Z", "hour 24 and a second"),
    ("2026-03-01T12:60:00Z", "minute 60"),
    ("2026-03-01T12:34:61Z", "second 61"),
    ("2016-12-31T23:59:60Z", "a real leap second: Unix time has none"),
    ("2026-03-01T12:00:00+24:00", "offset hour 24"),
    ("2026-03-01T12:00:00+05:60", "offset minute 60"),
    # out of range (milliseconds, microseconds, years)
    ("1772368496000", "epoch milliseconds"),
    ("1772368496000000", "epoch microseconds"),
    ("253402300800", "after 9999-12-31"),
    ("-62135596801", "before 0001-01-01"),
    ("0000-12-31T00:00:00Z", "year 0"),
    ("9999-12-31T23:59:59-01:00", "past 9999 once the offset is applied"),
    # malformed
    ("", "empty"),
    ("   ", "blanks only"),
    ("1.7723684965e9", "exponent"),
    ("inf", "infinity"),
    ("nan", "not a number"),
    ("1772368496,5", "decimal comma in epoch seconds"),
    ("0x69A4", "hexadecimal"),
    ("1_772_368_496", "digit separators"),
    ("1772368496.", "bare decimal point"),
    (".5", "no integer digits"),
    ("-", "sign only"),
    ("--1", "two signs"),
    ("2026-03-01T12:34:56+2", "one-digit offset"),
    ("2026-3-1", "one-digit month and day"),
    ("26-03-01", "two-digit year"),
    ("2026/03/01", "slashes"),
    ("2026-03-01T", "separator without time"),
    ("2026-03-01T12", "hour only"),
    ("2026-03-01T12:34:56.", "bare decimal point in ISO"),
    ("2026-03-01Z", "date with zone, no time"),
    ("2026-03-01 12:34:56 +00:00", "blank before the offset"),
    ("2026-03-01T12:34:56Q", "unknown zone letter"),
    ("2026-03-01T12:34:56ZZ", "two zone letters"),
    ("2026-03-01T12:34:56+05:30:00", "offset with seconds"),
    ("12:00", "time only"),
    ("yesterday", "a word"),
    ("1772368496 1", "two numbers"),
]

DURATIONS = [
    ("14d", ""), ("36h", ""), ("90m", ""), ("45s", ""), ("2w", ""), ("1.5d", "decimal"), ("0.25h", ""),
    ("14", "a bare number is days"), (" 7d ", "surrounding blanks"), ("0.000001s", "one microsecond"),
    ("0.5s", ""), ("1.0000000001d", "floored to the microsecond"),
    ("0", "zero"), ("0d", "zero"), ("0s", "zero"), ("0.0000001s", "below a microsecond: zero"),
    ("-1d", "negative"), ("+1d", "sign"), ("1e3s", "exponent"), ("inf", ""), ("nan", ""),
    ("1D", "upper-case unit"), ("1y", "unknown unit"), ("d", "unit only"), ("", "empty"),
    ("1.d", "bare decimal point"), (".5d", "no integer digits"), ("1 d", "blank before the unit"),
    ("1dd", "two units"), ("10000000000d", "longer than 10,000 years"), ("1,5d", "decimal comma"),
    ("0x10s", "hexadecimal"),
]

ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"(?P<z>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII)
EPOCH_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)


def floor_micros(seconds: Decimal) -> int:
    return int((seconds * 1_000_000).to_integral_value(rounding=ROUND_FLOOR))


def timestamp(text: str):
    """(microseconds, None) or (None, reason)."""
    body = text.strip(" \t")
    if not body:
        return None, "empty"
    m = ISO.fullmatch(body)
    if m:
        y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
        h = int(m["h"] or 0)
        mi = int(m["mi"] or 0)
        s = int(m["s"] or 0)
        try:
            datetime(y if y > 0 else 2000, mo, d)   # calendar first; year 0 is a leap year like 2000
        except ValueError:
            return None, "noSuchDate"
        if s == 60 and h <= 23 and mi <= 59:
            return None, "leapSecond"
        if h > 23 or mi > 59 or s > 59:
            return None, "noSuchTime"
        offset = timedelta(0)
        z = m["z"]
        if z and z not in "Zz":
            digits = z[1:].replace(":", "")
            oh, om = int(digits[:2]), int(digits[2:] or 0)
            if oh > 23 or om > 59:
                return None, "noSuchOffset"
            offset = (1 if z[0] == "+" else -1) * timedelta(hours=oh, minutes=om)
        if y == 0:
            return None, "outOfRange"
        local = datetime(y, mo, d, h, mi, s)
        # Whole seconds since the epoch by exact integer arithmetic (datetime cannot hold years
        # before 0001 or after 9999 once an offset moves them, so do not build the UTC datetime).
        whole = (local - datetime(1970, 1, 1)) // timedelta(seconds=1) - offset // timedelta(seconds=1)
        fraction = Decimal("0." + m["f"]) if m["f"] else Decimal(0)
        micros = floor_micros(Decimal(whole) + fraction)
    elif EPOCH_TEXT.fullmatch(body):
        micros = floor_micros(Decimal(body))
    else:
        return None, "malformed"
    if not MIN_MICROS <= micros <= MAX_MICROS:
        return None, "outOfRange"
    return micros, None


UNITS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
DURATION_TEXT = re.compile(r"(\d+(?:\.\d+)?)([smhdw]?)", re.ASCII)
MAX_SPAN = MAX_MICROS - MIN_MICROS


def duration(text: str):
    body = text.strip(" \t")
    if not body:
        return None, "empty"
    if body.startswith("-"):
        return None, "notPositive"
    m = DURATION_TEXT.fullmatch(body)
    if not m:
        return None, "malformed"
    micros = floor_micros(Decimal(m[1]) * UNITS[m[2] or "d"])
    if micros > MAX_SPAN:
        return None, "tooLong"
    if micros <= 0:
        return None, "notPositive"
    return micros, None


def check_against_datetime():
    """A second opinion on the accepted ISO strings: Python's own ISO parser must agree."""
    checked = 0
    for text, _ in TIMESTAMPS:
        micros, _ = timestamp(text)
        body = text.strip(" \t")
        m = ISO.fullmatch(body)
        if micros is None or not m or "," in body or len(m["f"] or "") > 6:
            continue
        try:
            parsed = datetime.fromisoformat(body.replace("z", "Z").replace("t", "T"))
        except ValueError:
            continue   # forms fromisoformat lacks (e.g. +HH before Python 3.11)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        if parsed.year in (1, 9999):
            continue
        expected = (parsed - EPOCH) // timedelta(microseconds=1)
        assert expected == micros, (text, expected, micros)
        checked += 1
    assert checked >= 10, checked


def main():
    check_against_datetime()
    table = {
        "timestamps": [
            dict(text=t, note=n, microseconds=v, rejection=r) for t, n in TIMESTAMPS for v, r in [timestamp(t)]
        ],
        "durations": [
            dict(text=t, note=n, microseconds=v, rejection=r) for t, n in DURATIONS for v, r in [duration(t)]
        ],
    }
    out = Path("Tests/TouchstoneTimeTests/Fixtures/time_strings.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n")
    accepted = sum(e["microseconds"] is not None for e in table["timestamps"])
    print(f"{out}: {len(TIMESTAMPS)} timestamps ({accepted} accepted), {len(DURATIONS)} durations")


if __name__ == "__main__":
    main()
