"""The verifiable log, its public export and the edital (DIST-08, DIST-11)."""

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from chalicelib.distribuicao.domain.draw import (
    DistributionRequest,
    OrgaoState,
    RedistributionReason,
    distribute,
    redistribute,
)
from chalicelib.distribuicao.domain.errors import SeedError
from chalicelib.distribuicao.domain.log import (
    GENESIS_HASH,
    SEGREDO,
    CaseDetails,
    DrawRecord,
    canonical_json,
    edital_period,
    edital_rows,
    verify_chain,
)
from chalicelib.distribuicao.domain.randomness import (
    DailySeed,
    commitment,
    derive_value,
    draw_message,
    new_seed,
    pick_index,
    seed_matches,
)

from tests.unit.distribuicao.support import DAY, NOW, at, case, draw_many, export, pleno, seed_for


def test_dist_11_message_encoding_is_log_digits_and_sequence():
    assert draw_message("TRE-MT:PLENO", "06000073020206110000", 17) == b"TRE-MT:PLENO|06000073020206110000|17"
    seed = bytes(range(32))
    expected = hmac.new(seed, b"TRE-MT:PLENO|06000073020206110000|17", hashlib.sha256).digest()
    assert derive_value(seed, "TRE-MT:PLENO", "06000073020206110000", 17) == expected
    assert pick_index(expected, 6) == int.from_bytes(expected, "big") % 6
    for bad in [("A|B", "06000073020206110000", 1), ("L", "0600007-30", 1), ("L", "06000073020206110000", 0)]:
        with pytest.raises(SeedError):
            draw_message(*bad)


def test_dist_11_commitment_is_sha256_of_the_seed_and_seeds_are_fresh():
    seed = new_seed(DAY)
    assert len(seed.seed) == 32 and seed.commitment == hashlib.sha256(seed.seed).hexdigest()
    assert seed_matches(seed.seed, seed.commitment.upper())
    assert not seed_matches(seed.seed, commitment(b"x" * 32))
    assert new_seed(DAY).seed != seed.seed
    assert DailySeed.from_hex(DAY, seed.hex) == seed
    with pytest.raises(SeedError):
        DailySeed.from_hex(DAY, "zz")
    with pytest.raises(SeedError):
        DailySeed(DAY, b"short")


def test_dist_11_records_chain_and_any_edit_breaks_it():
    _, decisions = draw_many(OrgaoState(pleno()), ["RE", "PC", "RE", "HC"])
    records = [d.record for d in decisions]
    assert records[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in pairwise(records))
    assert verify_chain(records) == []
    edited = replace(records[1], result=replace(records[1].result, unit="C7"))
    assert any("alterado" in p for p in verify_chain([records[0], edited, *records[2:]]))
    assert any("esperado 2" in p for p in verify_chain([records[0], *records[2:]]))
    assert DrawRecord.from_dict(json.loads(json.dumps(records[2].to_dict()))) == records[2]


def test_dist_11_canonical_json_is_key_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": ["ç", None, True]}) == '{"a":["ç",null,true],"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_dist_11_export_reveals_only_past_seeds_and_publishes_commitments():
    state = OrgaoState(pleno())
    decisions = []
    for offset in range(3):
        day = DAY + timedelta(days=offset)
        d = distribute(state, DistributionRequest(case(offset + 1)), seed=seed_for(day), now=at(day))
        state = state.apply(d)
        decisions.append(d)
    doc = export(decisions, today=DAY + timedelta(days=2))
    assert [s["dia"] for s in doc["sementes"]] == ["2026-03-02", "2026-03-03"]  # not today's
    assert [c["dia"] for c in doc["compromissos"]] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert doc["cabeca"] == {"seq": 3, "hash": decisions[-1].record.hash}
    json.dumps(doc)  # plain JSON


def test_dist_08_secret_cases_are_masked_in_export_and_edital_but_not_in_the_draw():
    state = OrgaoState(pleno())
    secret = case(1, secret=True, parties=("Fulano de Tal",), lawyers=("Dra. Beltrana",))
    open_case = case(2)
    d1 = distribute(state, DistributionRequest(secret), seed=seed_for(DAY), now=NOW)
    state = state.apply(d1)
    d2 = distribute(state, DistributionRequest(open_case), seed=seed_for(DAY), now=NOW + timedelta(minutes=1))
    doc = export([d1, d2], today=DAY + timedelta(days=1))
    text = json.dumps(doc, ensure_ascii=False)
    assert "Fulano" not in text and "Beltrana" not in text and d1.details.salt not in text
    masked = doc["registros"][0]
    assert masked["detalhes"] == {"partes": SEGREDO, "advogados": SEGREDO}
    assert masked["processo"] == str(secret.number) and masked["valor"]  # the draw stays public
    shown = doc["registros"][1]["detalhes"]
    assert shown["partes"] == list(open_case.parties)
    assert hashlib.sha256(canonical_json(shown)).hexdigest() == doc["registros"][1]["dados_hash"]
    details = {d.record.seq: d.details for d in (d1, d2)}
    rows = edital_rows([d1.record, d2.record], details, *edital_period(DAY))
    assert [r.case_number for r in rows] == [str(secret.number), str(open_case.number)]
    assert rows[0].parties == SEGREDO and rows[0].lawyers == SEGREDO
    assert rows[1].parties == open_case.parties and rows[1].relator is not None
    assert edital_rows([d1.record], details, date(2026, 3, 16), date(2026, 3, 31)) == []


def test_dist_08_a_redistribution_row_names_the_case_s_parties_and_lawyers():
    """RI art. 36: every row of the edital names the parties and lawyers; a redistribution's record stores no details
    of its own, so they are the case's, from its distribution."""
    state = OrgaoState(pleno())
    open_case = case(2, parties=("Fulano de Tal",), lawyers=("Dra. Beltrana",))
    d1 = distribute(state, DistributionRequest(open_case), seed=seed_for(DAY), now=NOW)
    state = state.apply(d1)
    d2 = redistribute(state, d1.assigned(open_case), RedistributionReason.IMPEDIMENTO, seed=seed_for(DAY),
                      now=NOW + timedelta(minutes=1))
    details = {d1.record.seq: d1.details}
    _, moved = edital_rows([d1.record, d2.record], details, *edital_period(DAY))
    assert moved.rule == "redistribuicao_impedimento"
    assert moved.parties == ("Fulano de Tal",) and moved.lawyers == ("Dra. Beltrana",)
    later = edital_rows([d1.record, d2.record], details, DAY + timedelta(days=30), DAY + timedelta(days=45))
    assert later == []


def test_dist_08_edital_periods():
    assert edital_period(date(2026, 3, 2)) == (date(2026, 3, 1), date(2026, 3, 15))
    assert edital_period(date(2026, 2, 20)) == (date(2026, 2, 16), date(2026, 2, 28))
    assert edital_period(date(2026, 3, 4), "semanal") == (date(2026, 3, 2), date(2026, 3, 8))
    assert edital_period(date(2026, 3, 4), "mensal") == (date(2026, 3, 1), date(2026, 3, 31))


def test_case_details_digest_depends_on_salt_and_content():
    a = CaseDetails(("A",), ("B",), (), "00" * 16)
    assert a.digest == CaseDetails(("A",), ("B",), (), "00" * 16).digest
    assert a.digest != CaseDetails(("A",), ("B",), (), "01" * 16).digest
    assert a.digest != CaseDetails(("A ",), ("B",), (), "00" * 16).digest
    assert CaseDetails.from_dict(a.to_dict()) == a
