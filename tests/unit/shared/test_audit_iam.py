"""Each service's role may not update or delete audit records, and opens only its own partner secrets."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest

from courtlib.audit.store import HEAD_PREFIX, record_key
from courtlib.settings import SERVICES

ROOT = Path(__file__).resolve().parents[3]


def _statements(service: str) -> dict[str, dict]:
    policy = json.loads((ROOT / f"{service}-svc" / ".chalice" / "policy-prod.json").read_text())
    return {statement["Sid"]: statement for statement in policy["Statement"]}


def _denied(statement: dict, action: str, leading_key: str) -> bool:
    """A reading of the one Deny statement, enough for what it uses (ForAnyValue:StringLike on LeadingKeys)."""
    patterns = statement["Condition"]["ForAnyValue:StringLike"]["dynamodb:LeadingKeys"]
    return action in statement["Action"] and any(fnmatch.fnmatchcase(leading_key, p) for p in patterns)


@pytest.mark.parametrize("service", SERVICES)
def test_audit_records_are_append_only_for_the_services_role(service):
    deny = _statements(service)["AuditRecordsAreAppendOnly"]
    assert deny["Effect"] == "Deny"
    assert deny["Resource"] == f"arn:aws:dynamodb:*:*:table/tribunal-prod-{service}"
    from datetime import date

    record = record_key(service, date(2027, 3, 1), 2)
    for action in ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"):
        assert _denied(deny, action, record), action
    assert not _denied(deny, "dynamodb:PutItem", record)  # appending is how records are written
    # the chain head must be advanced, and other items are the service's own state
    for other in (f"{HEAD_PREFIX}{service}#2027-03-01#2", "PARCEIRO#TJSC", "OUTBOX#x", "AUDITORIA-X"):
        assert not _denied(deny, "dynamodb:UpdateItem", other), other


@pytest.mark.parametrize("service", SERVICES)
def test_the_partner_secrets_key_is_usable_only_in_the_services_own_encryption_context(service):
    kms = _statements(service)["SealAndOpenOwnPartnerSecrets"]
    assert sorted(kms["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert kms["Condition"]["StringEquals"] == {"kms:EncryptionContext:servico": service}
    assert kms["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == [
        "alias/tribunal-prod-segredos-parceiros"]
