"""JSON from outside, read with limits checked before and while parsing.

Python's ``json`` recurses once per nesting level (deep nesting raises RecursionError, a
crash rather than a bad request), turns a number of thousands of digits into an int slowly
or not at all, and accepts ``"\\ud800"`` (a lone surrogate), which no database or encoder
downstream can store. Everything that reads JSON sent by a person or a program (the API, the
anonymous evaluation, ``qorgan screen``) goes through ``loads`` here, which refuses such input
with one message naming what is wrong (and where).
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
MAX_BYTES = 1024 * 1024
MAX_NUMBER_DIGITS = 40


class JSONLimitError(ValueError):
    """The JSON is refused; the message names what is wrong (and the field, when there is one)."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


def nesting_depth_exceeds(text: str, max_depth: int) -> bool:
    """Whether arrays and objects nest deeper than ``max_depth`` (strings skipped), in one pass."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JSONLimitError(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise JSONLimitError(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    return float(text)


def _constant(name: str) -> Any:
    raise JSONLimitError(f"{name} is not a JSON number")


def lone_surrogate_at(value: Any, path: str = "") -> str | None:
    """The path (``person.name``, ``signs[2]``) of the first text holding a lone surrogate."""
    if isinstance(value, str):
        return path or "(the request)" if _has_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _has_surrogate(str(key)):
                return path or "(the request)"
            found = lone_surrogate_at(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = lone_surrogate_at(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def loads(raw: str | bytes, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """Parse JSON sent from outside, or raise ``JSONLimitError`` naming what is wrong."""
    if len(raw) > max_bytes:
        raise JSONLimitError(f"the request is larger than {max_bytes} bytes")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONLimitError(f"not UTF-8 text (byte {exc.start})") from exc
    else:
        text = raw
    if nesting_depth_exceeds(text, max_depth):
        raise JSONLimitError(f"nested deeper than {max_depth} levels")
    try:
        data = json.loads(text, parse_int=_number, parse_float=_float, parse_constant=_constant)
    except JSONLimitError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONLimitError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    except (ValueError, RecursionError) as exc:  # defensive: never a crash
        raise JSONLimitError(f"not valid JSON ({exc})") from exc
    where = lone_surrogate_at(data)
    if where:
        raise JSONLimitError("the text holds an invalid character (a lone surrogate)", where)
    return data
