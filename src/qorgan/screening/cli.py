"""``qorgan screen [--lang kk|ru|en]``: a request (JSON) on standard input, the result on standard output.

Exit 0 with the result; exit 2 with one line on standard error naming what is wrong.
Runs without Django or a database: the engine and the reference files are enough.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from qorgan.core import safejson
from qorgan.knowledge.catalogue import LANGUAGES, CatalogueError

from .engine import ScreeningInputError, screen

USAGE_ERROR = 2
CLI_MAX_BYTES = 1024 * 1024  # one screening request is a few kilobytes


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """One line, exit 2, as the contract says (argparse prints usage on several lines)."""
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def run(
    argv: list[str],
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _Parser(prog="qorgan screen", description="Evaluate one screening (SPEC §4).")
    parser.add_argument(
        "--lang", default="kk", help="language of the texts: kk (default), ru or en"
    )
    try:
        args = parser.parse_args(argv)
        if args.lang not in LANGUAGES:
            raise _UsageError(
                f"--lang: unknown language {args.lang!r}; use one of {', '.join(LANGUAGES)}"
            )
    except _UsageError as exc:
        print(f"qorgan screen: {exc}", file=stderr)
        return USAGE_ERROR
    raw = stdin.read(CLI_MAX_BYTES + 1)
    try:
        data = safejson.loads(raw, max_bytes=CLI_MAX_BYTES)
    except safejson.JSONLimitError as exc:
        print(f"request: {exc}".replace("\n", " "), file=stderr)
        return USAGE_ERROR
    try:
        result = screen(data, language=args.lang)
    except ScreeningInputError as exc:
        print(str(exc).replace("\n", " "), file=stderr)
        return USAGE_ERROR
    except CatalogueError as exc:
        print(f"reference data is not valid: {exc}", file=stderr)
        return 1
    try:
        json.dump(result.as_dict(), stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
        stdout.flush()
    except BrokenPipeError:  # the reader stopped early (``| head``): not an error of ours
        return 0
    return 0
