"""COOP-11's close runs in a configured number of parts (``COOPERACAO_FECHAMENTO_PARTES``): a divisor of the 64
gsi1 shards of the month's totals, checked at start-up; part p reads shards p, p + parts, …"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chalicelib.cooperacao.settings import CooperacaoSettings
from chalicelib.cooperacao.shards import MONTH_SHARDS, PART_COUNTS, part_shards
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parents[3]
REQUIRED = {"COOPERACAO_TABLE_NAME": "t", "PAGINATION_SECRET": "s"}


@pytest.mark.parametrize("parts", PART_COUNTS)
def test_coop_11_the_parts_of_any_allowed_count_read_every_shard_exactly_once(parts):
    read = [shard for part in range(parts) for shard in part_shards(part, parts)]
    assert sorted(read) == list(range(MONTH_SHARDS))
    assert all(len(part_shards(part, parts)) == MONTH_SHARDS // parts for part in range(parts))


def test_coop_11_a_part_of_64_is_one_shard_as_before_the_setting_existed():
    assert [list(part_shards(p, 64)) for p in (0, 17, 63)] == [[0], [17], [63]]


@pytest.mark.parametrize(("part", "parts"), [(0, 5), (4, 4), (-1, 4), (0, 128)])
def test_coop_11_a_part_outside_its_count_or_a_count_not_dividing_the_shards_is_refused(part, parts):
    with pytest.raises(ValueError, match="dividir 64"):
        part_shards(part, parts)


def test_coop_11_the_part_count_defaults_to_production_s_64_and_is_read_from_its_variable():
    assert CooperacaoSettings.from_env(REQUIRED).fechamento_partes == 64  # type: ignore[attr-defined]
    settings = CooperacaoSettings.from_env({**REQUIRED, "COOPERACAO_FECHAMENTO_PARTES": "4"})
    assert settings.fechamento_partes == 4  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", ["5", "0", "128", "-4"])
def test_coop_11_a_part_count_not_dividing_the_64_shards_stops_the_service_at_start_up(value):
    with pytest.raises(ValidationError, match="COOPERACAO_FECHAMENTO_PARTES deve dividir 64"):
        CooperacaoSettings.from_env({**REQUIRED, "COOPERACAO_FECHAMENTO_PARTES": value})


def test_coop_11_production_keeps_64_parts_and_the_local_stage_runs_few():
    stages = json.loads((ROOT / "cooperacao-svc" / ".chalice" / "config.json").read_text())["stages"]
    prod = stages["prod"]["environment_variables"].get("COOPERACAO_FECHAMENTO_PARTES", "64")
    local = stages["local"]["environment_variables"]["COOPERACAO_FECHAMENTO_PARTES"]
    assert int(prod) == 64
    assert int(local) in PART_COUNTS and int(local) <= 8
