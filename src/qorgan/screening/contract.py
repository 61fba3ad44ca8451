"""The API's OpenAPI schemas made from the engine's own dataclasses (SPEC §4).

The request schema is ``engine.ScreeningRequest`` (with ``Location`` and ``Person``), the
response schema is ``engine.ScreeningResult`` (with its nested evidence, actions, forms and
notes): one definition for the engine, the command line, the API and the browser's engine,
so that none of them can drift from the others. Field types come from the annotations; help
texts and choices from each field's ``metadata``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from typing import Any

from rest_framework import serializers

from .engine import ScreeningRequest, ScreeningResult

SCALARS: dict[type, type[serializers.Field]] = {
    str: serializers.CharField,
    int: serializers.IntegerField,
    bool: serializers.BooleanField,
}


def _field_for(hint: Any, *, name: str, required: bool, metadata: Any) -> serializers.Field:
    nullable = False
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        nullable = len(args) < len(typing.get_args(hint))
        hint = args[0]
        origin = typing.get_origin(hint)
    options: dict[str, Any] = {"required": required}
    if nullable:
        options["allow_null"] = True
    if metadata.get("help"):
        options["help_text"] = metadata["help"]
    if is_dataclass(hint):
        return serializer_for(hint, **options)  # type: ignore[arg-type]
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if is_dataclass(item):
            return serializer_for(item, many=True, **options)  # type: ignore[arg-type]
        return serializers.ListField(child=SCALARS[item](), **options)
    if metadata.get("choices"):
        return serializers.ChoiceField(choices=list(metadata["choices"]), **options)
    return SCALARS[hint](**options)


def serializer_for(cls: type, **options: Any) -> Any:
    """A serializer for one of the contract's dataclasses (one class per dataclass, named after it)."""
    return _serializer_class(cls)(**options)


@cache
def _serializer_class(cls: type) -> type[serializers.Serializer]:
    hints = typing.get_type_hints(cls)
    members = {}
    for f in fields(cls):
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        # In a request a field with a default may be left out; a result always has every field.
        required = not has_default or (cls is not ScreeningRequest and not _is_request_part(cls))
        members[f.name] = _field_for(
            hints[f.name], name=f.name, required=required, metadata=f.metadata
        )
    prefix = "" if cls.__name__.startswith("Screening") else "Screening"
    return type(f"{prefix}{cls.__name__}", (serializers.Serializer,), members)


def _is_request_part(cls: type) -> bool:
    hints = typing.get_type_hints(ScreeningRequest)
    return cls in hints.values()


def request_schema() -> Any:
    return serializer_for(ScreeningRequest)


def result_schema() -> Any:
    return serializer_for(ScreeningResult)
