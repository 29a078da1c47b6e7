"""Partner keys stored in the service table (``PARCEIRO#<id>`` / ``CHAVE``) and used to verify signatures."""

from __future__ import annotations

import pytest

from courtlib.audit import Actor, acting_as
from courtlib.auth.partners import SignatureError, TablePartnerKeyStore, sign_request, verify


@pytest.fixture(autouse=True)
def as_admin():
    """Registering a key is an audited act: it needs someone acting."""
    with acting_as(Actor.user("sub-admin", "admin.ti", ["admin"])):
        yield


@pytest.fixture
def store(scratch_table):
    clock = [0.0]
    store = TablePartnerKeyStore(scratch_table, cache_seconds=60, clock=lambda: clock[0])
    return store, clock


def test_registered_key_verifies_a_signed_request(store):
    keys, _ = store
    item = keys.register("TJSC", "Tribunal de Justiça de Santa Catarina")
    assert (item.item.pk, item.item.sk) == ("PARCEIRO#TJSC", "CHAVE")
    headers = sign_request("TJSC", item.secret, "POST", "/precatorias", body=b"{}")
    assert verify(keys, method="POST", path="/precatorias", query=None, headers=headers, body=b"{}") == "TJSC"


def test_unknown_and_inactive_partners_have_no_secret(store):
    keys, clock = store
    assert keys.secret_for("TJXX") is None
    keys.register("TJRJ", "TJRJ", secret="s", active=False)
    assert keys.secret_for("TJRJ") is None
    with pytest.raises(SignatureError):
        verify(keys, method="GET", path="/p", query=None, headers=sign_request("TJRJ", "s", "GET", "/p"), body=b"")


def test_lookups_are_cached_for_a_while(store, scratch_table):
    keys, clock = store
    keys.register("TJSC", "TJSC", secret="v1")
    assert keys.secret_for("TJSC") == "v1"
    other = TablePartnerKeyStore(scratch_table)
    other.register("TJSC", "TJSC", secret="v2")
    assert keys.secret_for("TJSC") == "v1"
    clock[0] = 61.0
    assert keys.secret_for("TJSC") == "v2"


def test_a_nonce_is_claimed_once_with_a_conditional_put_and_an_expiration(store, scratch_table):
    import boto3

    keys, _ = store
    keys.register("TJSC", "TJSC", secret="s")
    headers = sign_request("TJSC", "s", "POST", "/precatorias", body=b"{}")
    assert verify(keys, method="POST", path="/precatorias", query=None, headers=headers, body=b"{}") == "TJSC"
    with pytest.raises(SignatureError) as replay:
        verify(keys, method="POST", path="/precatorias", query=None, headers=headers, body=b"{}")
    assert replay.value.replayed
    item = boto3.client("dynamodb", region_name=scratch_table.region).get_item(
        TableName=scratch_table.table_name,
        Key={"pk": {"S": "PARCEIRO#TJSC"}, "sk": {"S": f"NONCE#{headers['X-Parceiro-Nonce']}"}})["Item"]
    assert int(item["expiration"]["N"]) > 0
