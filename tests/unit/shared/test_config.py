"""TribunalConfig: the regulations' values as defaults, deep partial overrides, clear refusals."""

import json
from datetime import date, time
from decimal import Decimal
from fractions import Fraction

import pytest
from chalicelib.cooperacao.config import cooperacao_config
from chalicelib.distribuicao.config import distribuicao_config
from chalicelib.pagamentos.config import pagamentos_config
from chalicelib.plantao.config import plantao_config
from pydantic import ValidationError

from courtlib.config import TribunalConfig, TribunalConfigError, load_tribunal_config, tribunal_config_from_env


def test_defaults_are_the_regulation_values():
    config = load_tribunal_config("TRE-MT")
    assert config.tribunal_id == "TRE-MT"
    assert config.uf == "MT"
    assert config.timezone == "America/Sao_Paulo"
    assert config.calendario.recesso.inicio.as_tuple() == (12, 20)  # CAL-02
    assert config.calendario.recesso.fim.as_tuple() == (1, 6)
    assert cooperacao_config(config).horas_mensais_max == 40  # COOP-06
    assert cooperacao_config(config).unidades_simultaneas_max == 2  # COOP-07
    cotas = cooperacao_config(config).cotas
    assert (cotas.m2_por_unidade_mes, cotas.m2_por_unidade_mes_ampliada) == (2, 5)
    assert (cotas.m3_cartorio_mes, cotas.m3_cartorio_mes_ampliada) == (5, 10)
    assert cooperacao_config(config).data_final_norma == date(2025, 12, 31)  # COOP-09
    assert plantao_config(config).embargo_publicacao_dias == 5  # PLAN-03
    assert plantao_config(config).compensacao_dias_uteis_por_plantao == 2  # PLAN-07
    assert plantao_config(config).compensacao_dias_uteis_cedes == 1
    estadual = plantao_config(config).horarios.estadual
    assert estadual.inicio == time(11) and estadual.fim == time(18)
    assert plantao_config(config).horarios.noturno.vira_o_dia  # PLAN-01: 18h → 11h
    assert plantao_config(config).noturno.meses_edital == (1, 5, 9)
    assert plantao_config(config).noturno.juizes_por_quadrimestre == 4
    assert distribuicao_config(config).ausencia_redistribuicao_dias == 15  # DIST-06
    assert distribuicao_config(config).fim_mandato_sem_distribuicao_dias == 30
    distribuicao = distribuicao_config(config)
    assert (distribuicao.propaganda_dias_antes_eleicao, distribuicao.propaganda_dias_apos_eleicao) == (60, 30)
    assert pagamentos_config(config).cumulacao_juiz_fracao_maior == Fraction(1, 3)  # PAG-02
    assert pagamentos_config(config).cumulacao_juiz_fracao_menor == Fraction(1, 6)
    assert pagamentos_config(config).cumulacao_juiz_fator_com_auxilio == Fraction(1, 2)
    assert pagamentos_config(config).cumulacao_desembargador_limiar_afastados == Decimal("0.10")  # PAG-03
    assert pagamentos_config(config).cumulacao_desembargador_max_dias_ausencia == 3
    assert pagamentos_config(config).diferenca_entrancia_ferias_meses == 6  # PAG-05


def test_money_rounds_half_up_to_two_places():
    money = TribunalConfig().dinheiro
    assert money.round(Decimal("2.345")) == Decimal("2.35")
    assert money.round(Decimal("-2.345")) == Decimal("-2.35")
    assert money.round(Fraction(10, 3)) == Decimal("3.33")


def test_the_config_is_frozen():
    config = TribunalConfig()
    with pytest.raises(ValidationError):
        cooperacao_config(config).horas_mensais_max = 10  # type: ignore[misc]


def test_overrides_apply_deeply_and_keep_the_other_defaults():
    overrides = {
        "uf": "sc",
        "capital": {"ibge": "4205407", "nome": "Florianópolis"},  # CAL-01: a UF without shipped municipalities
        "municipios": {"4205407": "Florianópolis"},
        "cooperacao": {"horas_mensais_max": 30, "cotas": {"m2_por_unidade_mes": 3}},
        "calendario": {"recesso": {"inicio": {"dia": 22}}},
        "plantao": {"horarios": {"estadual": {"inicio": "09:00"}}},
        "pagamentos": {"cumulacao_juiz_fracao_menor": "1/5", "cumulacao_desembargador_limiar_afastados": "0.2"},
    }
    config = load_tribunal_config("TJSC", json.dumps(overrides))
    assert config.tribunal_id == "TJSC"
    assert config.uf == "SC"
    assert cooperacao_config(config).horas_mensais_max == 30
    assert cooperacao_config(config).cotas.m2_por_unidade_mes == 3
    assert cooperacao_config(config).cotas.m2_por_unidade_mes_ampliada == 5  # untouched sibling
    assert cooperacao_config(config).unidades_simultaneas_max == 2
    assert config.calendario.recesso.inicio.as_tuple() == (12, 22)
    assert plantao_config(config).horarios.estadual.inicio == time(9)
    assert plantao_config(config).horarios.estadual.fim == time(18)
    assert pagamentos_config(config).cumulacao_juiz_fracao_menor == Fraction(1, 5)
    assert pagamentos_config(config).cumulacao_desembargador_limiar_afastados == Decimal("0.2")


def test_empty_override_gives_the_defaults():
    assert load_tribunal_config("TRE-MT", "") == load_tribunal_config("TRE-MT", None) == TribunalConfig()


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ('{"cooperacao": {"horas_mensais_maximo": 30}}', "cooperacao.horas_mensais_maximo"),
        ('{"cooperacao": {"horas_mensais_max": -1}}', "cooperacao.horas_mensais_max"),
        ('{"cooperacao": {"horas_mensais_max": "muitas"}}', "cooperacao.horas_mensais_max"),
        ('{"uf": "XX"}', "UF desconhecida"),
        ('{"timezone": "America/Atlantida"}', "fuso horário desconhecido"),
        ('{"calendario": {"recesso": {"inicio": {"mes": 2, "dia": 30}}}}', "calendario.recesso.inicio"),
        ('{"pagamentos": {"cumulacao_juiz_fracao_maior": "3/2"}}', "pagamentos.cumulacao_juiz_fracao_maior"),
        ('{"cooperacao": {"cotas": {"m3_cartorio_mes_ampliada": 4}}}', "cota ampliada de M3"),
        ('{"plantao": 5}', "plantao"),
        ('{"cooperacao": ', "não é JSON válido"),
        ('[1, 2]', "deve ser um objeto JSON"),
        ('{"tribunal_id": "TJRJ"}', "é do tribunal 'TJRJ'"),
    ],
)
def test_a_bad_override_is_refused_with_a_clear_error(overrides, fragment):
    with pytest.raises(TribunalConfigError) as error:  # at load, or when the owning service reads its section
        config = load_tribunal_config("TRE-MT", overrides)
        for read in SECTION_READERS:
            read(config)
    assert fragment in str(error.value)
    assert isinstance(error.value, ValueError)


SECTION_READERS = (cooperacao_config, plantao_config, distribuicao_config, pagamentos_config)


def test_a_bad_section_is_refused_by_its_service_only():
    config = load_tribunal_config("TRE-MT", '{"plantao": {"embargo_publicacao_dias": -1}, '
                                            '"cooperacao": {"horas_mensais_max": 30}}')
    with pytest.raises(TribunalConfigError, match="plantao.embargo_publicacao_dias"):
        plantao_config(config)  # PLAN-03
    assert cooperacao_config(config).horas_mensais_max == 30  # COOP-06: the other services still start
    assert distribuicao_config(config).ausencia_redistribuicao_dias == 15
    assert pagamentos_config(config).dias_mes_pro_rata == 30


def test_a_section_is_validated_once_per_config_and_again_when_it_changes():
    config = load_tribunal_config("TRE-MT", '{"plantao": {"embargo_publicacao_dias": 3}}')
    assert plantao_config(config) is plantao_config(config)
    changed = config.model_copy(update={"plantao": {"embargo_publicacao_dias": 4}})
    assert plantao_config(changed).embargo_publicacao_dias == 4  # PLAN-03
    assert plantao_config(config).embargo_publicacao_dias == 3


def test_config_from_the_environment():
    overrides = {"uf": "RS", "capital": {"ibge": "4314902", "nome": "Porto Alegre"},
                 "municipios": {"4314902": "Porto Alegre"}}  # CAL-01: a UF without shipped municipalities
    env = {"TRIBUNAL_ID": "TRE-RS", "TRIBUNAL_CONFIG_JSON": json.dumps(overrides)}
    config = tribunal_config_from_env(env)
    assert (config.tribunal_id, config.uf) == ("TRE-RS", "RS")
    assert tribunal_config_from_env({}).tribunal_id == "TRE-MT"
