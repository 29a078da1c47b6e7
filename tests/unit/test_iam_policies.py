"""Each service's production IAM policy grants what its code uses in S3 and SES, and no more."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# the documents-bucket prefix each service writes under (its adapters' KEY_PREFIX), and whether it sends e-mail
DOCUMENTS = {"distribuicao": "distribuicao", "plantao": "plantao", "pagamentos": "pagamentos", "cooperacao": None}
SENDS_EMAIL = {"plantao"}


def _statements(service: str) -> dict[str, dict]:
    policy = json.loads((ROOT / f"{service}-svc" / ".chalice" / "policy-prod.json").read_text())
    return {statement["Sid"]: statement for statement in policy["Statement"]}


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_documents_bucket_access_is_limited_to_the_services_own_prefix(service):
    statements = _statements(service)
    prefix = DOCUMENTS[service]
    s3 = [s for s in statements.values() if any(a.startswith("s3:") for a in s["Action"])]
    if prefix is None:
        assert s3 == []
        return
    objects = statements["DocumentsBucketOfThisStage"]
    assert sorted(objects["Action"]) == ["s3:GetObject", "s3:PutObject"]
    assert objects["Resource"] == f"arn:aws:s3:::tribunal-prod-documentos-*/{prefix}/*"
    listing = statements["ListOwnPrefixOfDocumentsBucket"]  # else a missing key is a 403, not a 404
    assert listing["Action"] == ["s3:ListBucket"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": [f"{prefix}/*"]}}
    for module in (ROOT / f"{service}-svc" / "chalicelib" / service / "adapters").glob("*.py"):
        for line in module.read_text().splitlines():
            if line.startswith("KEY_PREFIX = "):
                assert line.split("=", 1)[1].strip().strip('"').startswith(f"{prefix}/"), module


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_only_the_services_that_send_notices_may_send_email(service):
    granted = any(a.startswith("ses:") for s in _statements(service).values() for a in s["Action"])
    assert granted == (service in SENDS_EMAIL)
