"""The API's JSON parser: ``core.safejson`` limits, with a 400 that names the problem."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from . import safejson


class SafeJSONParser(JSONParser):
    """Reads at most ``API_MAX_JSON_BYTES`` (one byte more is enough to refuse), then parses
    with depth, number and surrogate limits (``core.safejson``)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = int(getattr(settings, "API_MAX_JSON_BYTES", safejson.MAX_BYTES))
        raw = stream.read(limit + 1) if stream is not None else b""
        try:
            return safejson.loads(raw, max_bytes=limit)
        except safejson.JSONLimitError as exc:
            raise ParseError(
                _("The request is not valid JSON: %(problem)s") % {"problem": exc},
                code="invalid_json",
            ) from exc
