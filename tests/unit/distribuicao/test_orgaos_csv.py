"""Bulk import of órgãos from CSV: one line per judge becomes the JSON body the import route validates."""

import pytest
from chalicelib.distribuicao.api import ImportacaoIn
from chalicelib.distribuicao.orgaos_csv import orgaos_from_csv

from courtlib.http.csvbody import CsvError

CSV = """orgao;nome_orgao;classes;cadeira;juiz;nome;antiguidade;presidente;desembargador;fim_mandato
PLENO;Pleno do TRE;RE HC|MS;C1;des.pres;Des. Presidente;1;sim;sim;31/12/2027
PLENO;Pleno do TRE;RE HC|MS;C2;jd.ana;Juíza Ana;2;;não;
ZONA-1;1ª Zona;AIJE;Z1;jz.beto;Juiz Beto;1;nao;nao;2028-01-31
"""


def test_dist_02_csv_lines_group_into_orgaos_with_seats_judges_and_classes():
    body = orgaos_from_csv(CSV)
    pleno, zona = body["orgaos"]
    assert pleno["id"] == "PLENO" and pleno["classes"] == ["HC", "MS", "RE"]
    assert [c["id"] for c in pleno["cadeiras"]] == ["C1", "C2"]
    assert pleno["juizes"][0] == {"id": "des.pres", "nome": "Des. Presidente", "antiguidade": 1, "cadeira": "C1",
                                  "papel": "titular", "presidente": True, "desembargador": True,
                                  "fim_mandato": "2027-12-31"}
    assert pleno["juizes"][1]["presidente"] is False and "fim_mandato" not in pleno["juizes"][1]
    assert zona["juizes"][0]["fim_mandato"] == "2028-01-31"
    ImportacaoIn.model_validate(body)  # the same model as a JSON import


def test_an_orgao_whose_lines_disagree_is_refused_naming_the_line():
    bad = CSV.replace("PLENO;Pleno do TRE;RE HC|MS;C2", "PLENO;Pleno do TRE;RE;C2")
    with pytest.raises(CsvError) as caught:
        orgaos_from_csv(bad)
    assert caught.value.line == 3 and "linha 2" in caught.value.detail


def test_a_bad_date_or_number_is_refused_naming_the_line():
    with pytest.raises(CsvError, match="não é uma data"):
        orgaos_from_csv(CSV.replace("31/12/2027", "31-12-2027"))
    with pytest.raises(CsvError, match="inteiro"):
        orgaos_from_csv(CSV.replace("Juiz Beto;1;", "Juiz Beto;um;"))


def _one_orgao(lines: int, *, same_seat: bool = False) -> str:
    head = "orgao;nome_orgao;classes;cadeira;juiz;nome;antiguidade\n"
    return head + "".join(f"PLENO;Pleno do TRE;RE;{'C1' if same_seat else f'C{i}'};j{i};Juiz {i};{i}\n"
                          for i in range(lines))


def test_dist_02_an_orgao_above_the_seat_limit_is_refused_at_the_first_line_over_it_naming_the_limit():
    with pytest.raises(CsvError) as refused:
        orgaos_from_csv(_one_orgao(40_000))
    assert refused.value.line == 32  # header on line 1, the 31st seat on line 32: the rest is never read
    assert "30 cadeiras" in refused.value.detail


def test_dist_02_an_orgao_above_the_judge_limit_is_refused_naming_the_limit():
    with pytest.raises(CsvError) as refused:
        orgaos_from_csv(_one_orgao(40_000, same_seat=True))
    assert refused.value.line == 62 and "60 juízes" in refused.value.detail


def test_dist_02_the_limits_of_the_csv_are_the_json_imports():
    from chalicelib.distribuicao.orgaos_csv import MAX_JUDGES, MAX_ORGAOS, MAX_SEATS
    fields = ImportacaoIn.model_fields["orgaos"].metadata
    assert any(getattr(m, "max_length", None) == MAX_ORGAOS for m in fields)
    from chalicelib.distribuicao.api import OrgaoIn
    assert any(getattr(m, "max_length", None) == MAX_SEATS for m in OrgaoIn.model_fields["cadeiras"].metadata)
    assert any(getattr(m, "max_length", None) == MAX_JUDGES for m in OrgaoIn.model_fields["juizes"].metadata)
