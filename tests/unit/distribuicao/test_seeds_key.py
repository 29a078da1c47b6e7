"""Issue 16: the day's seeds have a KMS key of their own in the infra template, which the account administers but
only distribuicao's functions may use (DIST-11), and distribuicao's role may use it only in its own context."""

from __future__ import annotations

import json
from pathlib import Path

from devstack.templates import load_template

ROOT = Path(__file__).resolve().parents[3]


def test_dist_11_the_seeds_key_is_used_only_by_distribuicaos_functions_and_administered_by_the_account():
    template = load_template(ROOT / "infra" / "template.yaml")
    key = template["Resources"]["DistribuicaoSeedsKmsKey"]
    assert key["DeletionPolicy"] == "Retain" and key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert not any(st["Action"] == "kms:*" for st in statements), "the account administers the key, never opens"
    users = [st for st in statements if {"kms:Decrypt", "kms:GenerateDataKey"} & set(st["Action"])]
    assert len(users) == 1
    [use] = users
    assert "-distribuicao-*" in json.dumps(use["Condition"]["ArnLike"]["aws:PrincipalArn"])
    assert use["Condition"]["StringEquals"] == {"kms:EncryptionContext:servico": "distribuicao"}
    assert "DistribuicaoSeedsKmsKeyArn" in template["Outputs"]  # → DISTRIBUICAO_SEEDS_KMS_KEY_ARN
    policy = json.loads((ROOT / "distribuicao-svc" / ".chalice" / "policy-prod.json").read_text())
    [seeds] = [st for st in policy["Statement"] if st.get("Sid") == "SealAndOpenTheDaysSeeds"]
    assert seeds["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == [
        "alias/tribunal-prod-sementes-distribuicao"]
