"""BLS signatures of drand's ``bls-unchained-g1-rfc9380`` scheme (quicknet's).

A round ``r`` is signed on the message ``SHA-256(r as 8 bytes big-endian)`` (drand ``crypto/schemes.go``,
the unchained schemes' ``DigestBeacon``), hashed to G1 with RFC 9380's ``hash_to_curve`` and the DST
``BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_``; the signature is a compressed G1 point, the public key a
compressed G2 point, and the check is ``e(σ, g₂) = e(H(m), pk)``. The round's randomness is
``SHA-256(σ)``.

Library: ``py-arkworks-bls12381`` (the Ethereum Foundation's Python bindings of arkworks, used to make
the consensus-specs' test vectors). Of what installs here as a CPython 3.11 / linux x86_64 wheel, it is the
one that is maintained, exposes RFC 9380 hash-to-G1 with a caller's DST and a pairing check, and is fast
(one verification: ≈ 2 ms on an idle core). ``py_ecc`` (pure Python) verifies too but takes ≈ 9 s per
round; ``blspy`` and ``chia_rs`` only offer the min-pubkey variant (signatures on G2); ``pyblst`` is
alpha. It is imported lazily, so courtlib imports without it and :class:`BlsUnavailable` says what is
missing.
"""

from __future__ import annotations

import hashlib
import hmac
from types import ModuleType

from .chain import ChainInfo, Round
from .errors import BlsUnavailable

DST = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
PACKAGE = "py-arkworks-bls12381"
# The order r of BLS12-381's prime subgroups: a secret key is a scalar in [1, r).
CURVE_ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


def _ark() -> ModuleType:
    try:
        import py_arkworks_bls12381
    except ImportError:
        raise BlsUnavailable(f"verificação BLS indisponível: instale o pacote {PACKAGE}") from None
    return py_arkworks_bls12381


def available() -> bool:
    try:
        _ark()
    except BlsUnavailable:
        return False
    return True


def round_message(number: int) -> bytes:
    """What a round's signature signs: SHA-256 of the round number as 8 bytes big-endian."""
    return hashlib.sha256(number.to_bytes(8, "big")).digest()


def verify_signature(public_key: bytes, number: int, signature: bytes) -> bool:
    """The BLS check alone. Malformed points, points off the subgroup and the identity are refused."""
    ark = _ark()
    try:
        sigma = ark.G1Point.from_compressed_bytes(signature)
        key = ark.G2Point.from_compressed_bytes(public_key)
    except Exception:  # the bindings raise their own exception types for a bad point
        return False
    if sigma == ark.G1Point.identity() or key == ark.G2Point.identity():
        return False
    hashed = ark.G1Point.hash_to_curve(round_message(number), DST)
    return bool(ark.GT.pairing_check([sigma, -hashed], [ark.G2Point(), key]))


def verify(round_: Round, chain: ChainInfo) -> bool:
    """True when ``round_`` belongs to ``chain``, its randomness is SHA-256 of its signature, and the
    signature is the chain's on the round number."""
    if not hmac.compare_digest(round_.chain_hash, chain.hash):
        return False
    if not hmac.compare_digest(hashlib.sha256(round_.signature).digest(), round_.randomness):
        return False
    return verify_signature(chain.public_key, round_.number, round_.signature)


# -- signing (only the local beacon signs) ----------------------------------------------------------


def public_key_of(secret: int) -> bytes:
    ark = _ark()
    return bytes((ark.G2Point() * ark.Scalar(_scalar(secret))).to_compressed_bytes())


def sign(secret: int, number: int) -> bytes:
    """σ = secret · H(SHA-256(round)) in G1, compressed."""
    ark = _ark()
    hashed = ark.G1Point.hash_to_curve(round_message(number), DST)
    return bytes((hashed * ark.Scalar(_scalar(secret))).to_compressed_bytes())


def _scalar(secret: int) -> int:
    if not 0 < secret < CURVE_ORDER:
        raise ValueError("a chave secreta deve estar em [1, r)")
    return secret
