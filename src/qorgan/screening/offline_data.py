"""The engine data for the offline app: what the browser's engine reads, built from the same
sources as the Python engine (``rules.RULES`` and ``rules.NOTES``, the catalogue, notes.yaml,
the regions and countries), never kept by hand.

Pure: no Django. ``engine_data(language)`` gives one language's bundle; its ``version`` is a
digest of its content, so a client (and the ETag of the view that serves it) can tell when it
changed. ``static/qorgan/offline/engine.js`` interprets it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from typing import Any

from qorgan.directory.countries import alpha2_codes
from qorgan.directory.reference import SUBJECT_KIND_CODES
from qorgan.knowledge.catalogue import LANGUAGES, Catalogue, default_catalogue

from . import engine
from .rules import NOTES, RULES

FORMAT = 1  # the bundle's own format; engine.js refuses a format it does not know


def engine_data(language: str, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The engine's data in one language, with ``version`` a digest of it."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    return _engine_data(language, catalogue or default_catalogue())


def engine_data_json(language: str, catalogue: Catalogue | None = None) -> bytes:
    return _encoded(language, catalogue or default_catalogue())


@lru_cache(maxsize=8)
def _encoded(language: str, catalogue: Catalogue) -> bytes:
    return json.dumps(
        engine_data(language, catalogue), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def _plain(value: Any) -> Any:
    """The engine's texts as JSON data (its dataclasses as dicts, fields in order)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json.loads(json.dumps(dataclasses.asdict(value)))
    return json.loads(json.dumps(value))


@lru_cache(maxsize=8)
def _engine_data(language: str, catalogue: Catalogue) -> dict[str, Any]:
    texts = engine._localized(catalogue, language)
    data: dict[str, Any] = {
        "format": FORMAT,
        "language": language,
        "catalogue_version": catalogue.version,
        "subject_kinds": sorted(SUBJECT_KIND_CODES),
        "countries": sorted(alpha2_codes()),
        "regions": dict(sorted(engine._region_codes().items())),
        "max_age": engine.MAX_AGE,
        "sexes": list(engine.SEXES),
        "codes": {
            field: [e.code for e in catalogue.of_kind(kind)]
            for field, kind in engine.ELEMENT_KINDS.items()
        },
        "evidence": {code: _plain(item) for code, item in texts.evidence.items()},
        "rules": [
            {
                "track": rule.track.value,
                "when": rule.when.as_json(),
                "action": _plain(texts.actions[rule]),
            }
            for rule in RULES
        ],
        "notes": [
            {"code": code, "when": condition.as_json(), "text": texts.notes[code]}
            for code, condition in NOTES
        ],
        "forms_of": {code: list(forms) for code, forms in texts.forms_of.items()},
        "form_order": list(texts.form_order),
        "form_text": texts.form_text,
    }
    digest = hashlib.sha256(
        json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()
    data["version"] = digest[:16]
    return data
