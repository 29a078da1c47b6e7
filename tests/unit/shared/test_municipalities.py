"""CAL-01: a municipality is one of the tribunal's registered municipalities, kept by IBGE code."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtlib.calendar import UnknownMunicipalityError, resolve_municipality
from courtlib.config import TribunalConfig, TribunalConfigError, load_tribunal_config

MT = TribunalConfig().municipios_registrados


def test_cal_01_the_demo_tribunal_registers_every_municipality_of_mato_grosso():
    assert len(MT) == 141
    assert all(code.startswith("51") and len(code) == 7 for code in MT)
    assert MT["5103403"] == "Cuiabá" and MT["5108402"] == "Várzea Grande"
    assert MT["5103007"] == "Chapada dos Guimarães"


@pytest.mark.parametrize("text", ["5108402", "Várzea Grande", "varzea grande", "  VÁRZEA   GRANDE ", "Varzea Grande"])
def test_cal_01_a_code_or_a_name_folded_for_accents_and_case_resolves_to_the_ibge_code(text):
    assert resolve_municipality(text, MT) == "5108402"


@pytest.mark.parametrize("text", ["9999999", "Atlantis", "", "   ", "*", "3550308", "Várzea"])
def test_cal_01_an_unregistered_municipality_is_refused(text):
    with pytest.raises(UnknownMunicipalityError) as error:
        resolve_municipality(text, MT)
    assert isinstance(error.value, ValueError)
    assert "município" in str(error.value)


@given(st.sampled_from(sorted(MT.items())))
def test_cal_01_every_registered_name_and_code_resolve_to_its_code(item):
    code, name = item
    assert resolve_municipality(code, MT) == code
    assert resolve_municipality(name.upper(), MT) == code
    assert resolve_municipality(name.casefold(), MT) == code


def test_cal_01_a_tribunal_registers_its_own_municipalities_through_the_config():
    overrides = {"uf": "SC", "capital": {"ibge": "4205407", "nome": "Florianópolis"},
                 "municipios": {"4205407": "Florianópolis", "4209102": "Joinville"}}
    config = load_tribunal_config("TRE-SC", json.dumps(overrides))
    assert resolve_municipality("joinville", config.municipios_registrados) == "4209102"
    with pytest.raises(UnknownMunicipalityError):
        resolve_municipality("Cuiabá", config.municipios_registrados)


@pytest.mark.parametrize(("overrides", "fragment"), [
    ({"uf": "SC"}, "municipios"),  # no shipped list for SC: the tribunal must give its own
    ({"municipios": {"5108402": "Várzea Grande"}}, "capital"),  # the capital must be registered
    ({"municipios": {"51": "Curto"}}, "municipios"),
])
def test_cal_01_a_config_without_usable_municipalities_is_refused(overrides, fragment):
    with pytest.raises(TribunalConfigError) as error:
        load_tribunal_config("TRE-MT" if "uf" not in overrides else "TRE-SC", json.dumps(overrides))
    assert fragment in str(error.value)
