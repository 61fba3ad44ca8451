"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint says "at time T the chain had N events and the N-th event's hash was H", signed
with an Ed25519 key held only by the signer (``qorgan audit_checkpoint``, run by its own
operating-system user; see docs/security.md, "Audit trail"). Each checkpoint is one line of
JSON appended to a file on another mount, in the spirit of Certificate Transparency's signed
tree heads: whoever rewrites or shortens the chain in the database afterwards (the database's
owner included) cannot make it agree with a checkpoint without the private key.

This module knows nothing of the database (only Django's translations, for its messages):
keys, the line format, signing, reading and checking the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

VERSION = 1
DOMAIN = b"qorgan-audit-checkpoint/v1\n"
_HASH = re.compile(r"[0-9a-f]{64}")
_FIELDS = {"v", "seq", "hash", "at", "key", "sig"}


class CheckpointError(ValueError):
    """A checkpoint line or a key that cannot be trusted; ``line`` is 1-based (0: no line)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return _("line %(line)s of the checkpoint file: %(problem)s") % {
            "line": self.line,
            "problem": self.message,
        }


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # how many events the chain had (the sequence number of its last event)
    hash: str  # that event's hash (64 zeros for an empty chain)
    at: datetime  # when the signer signed it (UTC, whole seconds)
    key_id: str
    line: int = 0

    def message(self) -> bytes:
        return signed_message(self.seq, self.hash, self.at)


def signed_message(seq: int, head_hash: str, at: datetime) -> bytes:
    """The bytes the signature covers: a domain tag, then sequence number, hash and time."""
    return DOMAIN + f"{seq}\n{head_hash}\n{format_time(at)}\n".encode()


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- Keys -----------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of SHA-256 over its raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """The form ``QORGAN_AUDIT_VERIFY_KEY`` takes: ``ed25519:`` and base64 of the raw key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    value = text.strip()
    if value.startswith("ed25519:"):
        value = value[len("ed25519:") :]
    try:
        raw = base64.b64decode(value, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise CheckpointError(
            _("an audit verify key is not an Ed25519 public key (ed25519:<base64 of 32 bytes>)")
        ) from None


def parse_public_keys(values: Iterable[str]) -> dict[str, Ed25519PublicKey]:
    keys = [parse_public_key(value) for value in values if value.strip()]
    return {key_id(key): key for key in keys}


def generate_private_key(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to ``path`` (PEM, PKCS#8), readable by its owner only; an existing
    file is never overwritten."""
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    return private_key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read the signer's key; refused if anyone but its owner may read or write the file."""
    try:
        info = path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(
            _("the signing key %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.strerror}
        ) from None
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise CheckpointError(
            _(
                "the signing key %(path)s may be read or written by others than its owner "
                "(mode %(mode)s): chmod 600 it"
            )
            % {"path": path, "mode": f"{stat.S_IMODE(info.st_mode):o}"}
        )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(
            _("the signing key %(path)s is not an Ed25519 private key (PEM)") % {"path": path}
        )
    return key


# --- Lines ----------------------------------------------------------------------------------


def sign(private_key: Ed25519PrivateKey, seq: int, head_hash: str, at: datetime) -> str:
    """One checkpoint line (JSON, no newline)."""
    at = at.astimezone(UTC).replace(microsecond=0)
    signature = private_key.sign(signed_message(seq, head_hash, at))
    record = {
        "v": VERSION,
        "seq": seq,
        "hash": head_hash,
        "at": format_time(at),
        "key": key_id(private_key.public_key()),
        "sig": base64.b64encode(signature).decode(),
    }
    return json.dumps(record, separators=(",", ":"), sort_keys=True)


def parse_line(text: str, keys: dict[str, Ed25519PublicKey], line: int = 0) -> Checkpoint:
    """Check one line's form and signature against the trusted keys."""
    try:
        record = json.loads(text)
    except ValueError:
        raise CheckpointError(_("the line is not JSON"), line) from None
    if not isinstance(record, dict) or set(record) != _FIELDS or record["v"] != VERSION:
        raise CheckpointError(_("the line is not a checkpoint"), line)
    seq, head_hash, at, kid, sig = (record[k] for k in ("seq", "hash", "at", "key", "sig"))
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise CheckpointError(_("its sequence number is not valid"), line)
    if not isinstance(head_hash, str) or not _HASH.fullmatch(head_hash):
        raise CheckpointError(_("its hash is not valid"), line)
    try:
        when = _parse_time(at)
        signature = base64.b64decode(sig, validate=True)
    except (TypeError, ValueError, binascii.Error):
        raise CheckpointError(_("its time or its signature is not valid"), line) from None
    public_key = keys.get(kid) if isinstance(kid, str) else None
    if public_key is None:
        raise CheckpointError(_("it is signed by a key that is not trusted"), line)
    try:
        public_key.verify(signature, signed_message(seq, head_hash, when))
    except InvalidSignature:
        raise CheckpointError(_("its signature does not match its content"), line) from None
    return Checkpoint(seq=seq, hash=head_hash, at=when, key_id=kid, line=line)


def check_order(checkpoints: Sequence[Checkpoint]) -> None:
    """Later lines never cover fewer events or go back in time, and never name another hash for
    the same event (two views of one chain)."""
    for before, after in pairwise(checkpoints):
        if after.seq < before.seq:
            raise CheckpointError(
                _("it covers fewer events (%(seq)s) than line %(line)s (%(before)s)")
                % {"seq": after.seq, "line": before.line, "before": before.seq},
                after.line,
            )
        if after.at <= before.at:
            raise CheckpointError(
                _("it is not later than line %(line)s") % {"line": before.line}, after.line
            )
        if after.seq == before.seq and after.hash != before.hash:
            raise CheckpointError(
                _("it names another hash for event %(seq)s than line %(line)s")
                % {"seq": after.seq, "line": before.line},
                after.line,
            )


def read_file(path: Path, keys: dict[str, Ed25519PublicKey]) -> list[Checkpoint]:
    """Every checkpoint of the file, checked; the first line that fails raises."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CheckpointError(
            _("the checkpoint file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.strerror}
        ) from None
    except UnicodeDecodeError:
        raise CheckpointError(
            _("the checkpoint file %(path)s is not text") % {"path": path}
        ) from None
    checkpoints = [
        parse_line(raw, keys, number)
        for number, raw in enumerate(text.split("\n"), start=1)
        if raw.strip()
    ]
    check_order(checkpoints)
    return checkpoints


def append_line(path: Path, line: str) -> None:
    """Append one line with O_APPEND (never rewrite), and wait until it is on the disk. Make the
    file append-only for everyone with ``chattr +a`` (docs/deploy.md)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
