"""A small proof of work (hashcash) asked of the anonymous channel's clients when it is busy.

The challenge is the form's signed token; the client finds a number ``n`` such that
SHA-256(``challenge:n``) starts with ``bits`` zero bits (``static/qorgan/portal-pow.js`` does it
in the browser while the person writes). Checking costs one hash; finding costs about 2**bits.
"""

from __future__ import annotations

import hashlib


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + (8 - byte.bit_length())
    return bits


def is_solution(challenge: str, answer: str, bits: int) -> bool:
    if bits <= 0:
        return True
    if not answer.isdigit() or len(answer) > 12:
        return False
    digest = hashlib.sha256(f"{challenge}:{answer}".encode()).digest()
    return leading_zero_bits(digest) >= bits


def solve(challenge: str, bits: int) -> str:
    """What the browser does (used by tests and the load test's honest clients)."""
    n = 0
    while not is_solution(challenge, str(n), bits):
        n += 1
    return str(n)
