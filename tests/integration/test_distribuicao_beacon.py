"""Issue 16 over HTTP on moto: draws decided by the beacon (the local stack's, marked as such), checked end to end
by ``scripts/verify_draws.py`` with their BLS signatures; a late round answers 202 and the case's status resource
says it awaits its round, until a later request (or the schedule) draws it (DIST-11)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from courtlib.beacon import BeaconUnavailable, Round
from courtlib.beacon.local import LOCAL_BEACON_ID, LocalBeacon
from tests.integration.test_distribuicao_http import CLASSES, DISTRIBUTOR, distribute, new_orgao, number, post
from tests.unit.distribuicao.fakes import FAR_FUTURE

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "distribuicao-svc" / "scripts" / "verify_draws.py"
TZ = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def client(client_of):
    return client_of("distribuicao")


@pytest.fixture
def app_deps(service_app):
    service_app("distribuicao")
    return sys.modules["distribuicao_app"].deps


class Switch:
    """The local beacon with every round out, until the test withholds them (relays down)."""

    def __init__(self) -> None:
        self.beacon = LocalBeacon(now=lambda: FAR_FUTURE)
        self.withheld = False

    @property
    def chain(self):
        return self.beacon.chain

    def fetch(self, number: int) -> Round:
        if self.withheld:
            raise BeaconUnavailable("relays fora do ar")
        return self.beacon.fetch(number)

    def latest(self) -> Round:
        return self.beacon.latest()


def verify(export: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / f"exportacao-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=120)


def test_dist_11_draws_on_the_app_verify_end_to_end_with_their_beacon_signatures(client, app_deps, monkeypatch,
                                                                                  tmp_path):
    orgao = new_orgao(client)
    past = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
    monkeypatch.setattr(app_deps, "clock", lambda: past)
    made = [distribute(client, orgao, classe=CLASSES[n % 4]) for n in range(6)]
    assert {m.status_code for m in made} == {201}
    farol = made[0].json_body["sorteio"]["farol"]
    assert farol["rodada"] == app_deps.round_source.chain.first_round_after(past)
    assert post(client, f"/distribuicoes/{made[1].json_body['numero_processo']}/redistribuicao",
                {"motivo": "impedimento"}).status_code == 201
    monkeypatch.undo()  # today: the seed of 02/03/2026 is revealed
    export = client.http.get(f"/sorteios/exportacao?log={orgao}").json_body
    assert [f["metadata"]["beaconID"] for f in export["farois"]] == [LOCAL_BEACON_ID]
    draws = [r for r in export["registros"] if r["modo"] == "sorteio"]
    assert draws and all(r["farol"]["cadeia"] == export["farois"][0]["hash"] for r in draws)

    result = verify(export, tmp_path)
    assert result.returncode == 0, result.stdout
    assert "Rodadas do farol com assinatura conferida: 7" in result.stdout, result.stdout
    assert "NÃO é a quicknet" in result.stdout, "a local draw is never taken for a League of Entropy one"

    forged = json.loads(json.dumps(export))
    forged["registros"][2]["farol"]["rodada"] += 1  # another round than the one fixed at registration
    assert verify(forged, tmp_path).returncode == 1
    edited = json.loads(json.dumps(export))
    edited["registros"][3]["resultado"]["unidade"] = "C1"
    tampered = verify(edited, tmp_path)
    assert tampered.returncode == 1 and "ALTERADO" in tampered.stdout


def test_dist_11_a_late_round_answers_202_with_the_cases_status_and_a_later_request_draws_it(client, app_deps,
                                                                                           monkeypatch):
    orgao = new_orgao(client)
    switch = Switch()
    monkeypatch.setattr(app_deps, "beacon", switch)
    monkeypatch.setattr(app_deps, "beacon_wait_s", 0.2)
    switch.withheld = True
    numero = number()
    body = {"numero_processo": numero, "orgao": orgao, "classe": "RE"}
    headers = {**DISTRIBUTOR, "Idempotency-Key": f"dist-{uuid.uuid4()}"}
    first = post(client, "/distribuicoes", body, headers=headers)
    assert first.status_code == 202, first.json_body
    assert first.headers["Location"] == f"/distribuicoes/{numero}" and int(first.headers["Retry-After"]) >= 1
    assert first.json_body["situacao"] == "aguardando_farol"
    fixed = first.json_body["farol"]["rodada"]
    replay = post(client, "/distribuicoes", body, headers=headers)
    assert replay.status_code == 202 and replay.json_body == first.json_body
    again = post(client, "/distribuicoes", body)  # the same case without the key: the same act, not another
    assert again.status_code == 202 and again.json_body["farol"]["rodada"] == fixed
    status = client.http.get(first.headers["Location"])
    assert status.status_code == 200 and status.json_body["situacao"] == "aguardando_farol"
    assert client.http.get(f"/sorteios/exportacao?log={orgao}").json_body["registros"] == []

    switch.withheld = False
    later = datetime.now(TZ) + timedelta(seconds=10)  # the round is due by the clock: a later request draws it
    monkeypatch.setattr(app_deps, "clock", lambda: later)
    drawn = client.http.get(first.headers["Location"])
    assert drawn.status_code == 200 and drawn.json_body["situacao"] == "distribuido"
    [record] = client.http.get(f"/sorteios/exportacao?log={orgao}").json_body["registros"]
    assert record["farol"]["rodada"] == fixed and record["processo"] == numero


def test_dist_11_the_days_seed_is_sealed_at_rest_and_opened_only_by_the_draw_and_the_reveal(settings_of):
    import boto3
    from chalicelib.distribuicao.adapters.seeds import SeedStore, seal_context

    from courtlib.auth.sealing import Sealed

    settings = settings_of("distribuicao")
    day = date(2026, 5, 4)
    seed = SeedStore(settings).seed_for(day)
    item = boto3.client("dynamodb", region_name=settings.region).get_item(
        TableName=settings.table_name, Key={"pk": {"S": f"SEMENTE#{day}"}, "sk": {"S": "SEMENTE"}},
        ConsistentRead=True)["Item"]
    assert "seed" not in item and item["commitment"]["S"] == seed.commitment
    assert not any(seed.hex in json.dumps(value) for value in item.values()), "the seed is not in the table"
    cold = SeedStore(settings)  # another container: opens the sealed seed, once, and the opening is audited
    assert cold.seed_for(day) == seed and cold.seed_for(day) == seed
    from courtlib.audit.store import AuditChains

    openings, _ = AuditChains(settings).by_index("alvo", f"semente:{day}", start=None, end=None,
                                                  act="DIST.SEMENTE.ABRIR", person=None, limit=10, cursor=None)
    assert len(openings) == 1, openings
    [published] = cold.published(day, day)
    assert published.seed_hex == "", "not revealed while its day is not over"
    [revealed] = cold.published(day, day, reveal_before=day + timedelta(days=1))
    assert revealed.seed_hex == seed.hex
    sealed = Sealed(item["sealed_key"]["S"], item["sealed_seed"]["S"])
    with pytest.raises(Exception):  # noqa: B017 - KMS or AES-GCM refuses it; either way it does not open
        cold.sealer.open(sealed, seal_context(day + timedelta(days=1)))


def test_dist_11_the_seeds_are_sealed_with_distribuicaos_own_key_not_the_partner_secrets_key(settings_of):
    """Issue 16: a dedicated KMS key (the template's DistribuicaoSeedsKmsKey, which only distribuicao's functions
    may use) seals the day's seeds; the partner secrets' key is another one."""
    import base64

    import boto3
    from chalicelib.distribuicao.adapters.seeds import SeedStore, seal_context

    settings = settings_of("distribuicao")
    assert settings.seeds_kms_key_arn and settings.seeds_kms_key_arn != settings.partner_keys_kms_key
    day = date(2026, 5, 11)
    SeedStore(settings).seed_for(day)
    item = boto3.client("dynamodb", region_name=settings.region).get_item(
        TableName=settings.table_name, Key={"pk": {"S": f"SEMENTE#{day}"}, "sk": {"S": "SEMENTE"}},
        ConsistentRead=True)["Item"]
    kms = boto3.client("kms", region_name=settings.region)
    opened = kms.decrypt(CiphertextBlob=base64.b64decode(item["sealed_key"]["S"]), EncryptionContext=seal_context(day))
    assert opened["KeyId"] == settings.seeds_kms_key_arn
