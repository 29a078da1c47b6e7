"""The BLS check of drand's bls-unchained-g1-rfc9380 on real quicknet rounds (tests/data/drand/quicknet.json),
and forgeries of them refused (DIST-11: the beacon round of a draw must be the network's, verifiably)."""

from __future__ import annotations

import builtins
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from courtlib.beacon import QUICKNET, ChainInfo, Round, bls, verify
from courtlib.beacon.errors import BeaconError, BlsUnavailable

DATA = json.loads((Path(__file__).parents[2] / "data" / "drand" / "quicknet.json").read_text())
ROUNDS = [Round.from_json(QUICKNET.hash, r) for r in DATA["rounds"]]
OTHER = DATA["other_chains"][0]
OTHER_CHAIN = ChainInfo.from_json(OTHER["chain"])
TESTNET = ChainInfo.from_json(DATA["other_chains"][1]["chain"])


def _flip(data: bytes, bit: int) -> bytes:
    raw = bytearray(data)
    raw[bit // 8] ^= 1 << (bit % 8)
    return bytes(raw)


def _resigned(round_: Round, signature: bytes) -> Round:
    """The round with another signature and the randomness that goes with it (only the BLS check can tell)."""
    return replace(round_, signature=signature, randomness=hashlib.sha256(signature).digest())


def test_the_recorded_chain_is_quicknet_and_its_hash_is_recomputed_from_its_parameters():
    assert ChainInfo.from_json(DATA["chain"]) == QUICKNET
    assert QUICKNET.computed_hash().hex() == "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
    assert QUICKNET.genesis == 1692803367 and QUICKNET.period == 3
    assert len(ROUNDS) >= 5
    assert all(r["source"]["commit"] for r in DATA["rounds"])


@pytest.mark.parametrize("round_", ROUNDS, ids=lambda r: f"round-{r.number}")
def test_every_recorded_quicknet_round_verifies(round_):
    assert verify(round_, QUICKNET)


@pytest.mark.parametrize("bit", [0, 5, 100, 200, 383])
def test_a_bit_flipped_in_the_signature_is_refused(bit):
    round_ = ROUNDS[3]
    assert not verify(_resigned(round_, _flip(round_.signature, bit)), QUICKNET)


def test_another_rounds_signature_is_refused():
    for a, b in zip(ROUNDS, ROUNDS[1:], strict=False):
        assert not verify(_resigned(a, b.signature), QUICKNET)


def test_a_wrong_round_number_is_refused():
    for round_ in ROUNDS:
        assert not verify(replace(round_, number=round_.number + 1), QUICKNET)


def test_a_randomness_that_is_not_the_hash_of_the_signature_is_refused():
    round_ = ROUNDS[0]
    assert not verify(replace(round_, randomness=_flip(round_.randomness, 7)), QUICKNET)


def test_another_chains_round_verifies_under_its_key_and_is_refused_under_quicknets():
    theirs = Round.from_json(OTHER_CHAIN.hash, OTHER["rounds"][0])
    assert verify(theirs, OTHER_CHAIN)
    assert not verify(replace(theirs, chain_hash=QUICKNET.hash), QUICKNET)


def test_quicknets_rounds_are_refused_under_another_chains_key_even_with_quicknets_hash():
    impostor = replace(QUICKNET, public_key=TESTNET.public_key, genesis_seed=b"")  # hash kept, key swapped
    assert not any(verify(r, impostor) for r in ROUNDS)


def test_a_round_recorded_for_another_chain_is_refused():
    assert not verify(replace(ROUNDS[0], chain_hash=TESTNET.hash), QUICKNET)


def test_the_identity_and_malformed_points_are_refused():
    identity_g1 = bytes([0xC0]) + bytes(47)
    assert not bls.verify_signature(QUICKNET.public_key, 1, identity_g1)
    assert not bls.verify_signature(bytes([0xC0]) + bytes(95), 1, ROUNDS[0].signature)
    assert not bls.verify_signature(QUICKNET.public_key, 1, b"\x00" * 48)


def test_a_chain_whose_hash_does_not_match_its_parameters_is_refused():
    info = dict(DATA["chain"], public_key=DATA["other_chains"][1]["chain"]["public_key"])
    with pytest.raises(BeaconError, match="não confere"):
        ChainInfo.from_json(info)


def test_the_round_message_is_sha256_of_the_round_as_8_bytes_big_endian():
    assert bls.round_message(1) == hashlib.sha256(b"\x00" * 7 + b"\x01").digest()


def test_without_the_bls_package_verification_says_it_is_unavailable(monkeypatch):
    real_import = builtins.__import__

    def no_ark(name, *args, **kwargs):
        if name == "py_arkworks_bls12381":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ark)
    assert not bls.available()
    with pytest.raises(BlsUnavailable, match="py-arkworks-bls12381"):
        verify(ROUNDS[0], QUICKNET)
