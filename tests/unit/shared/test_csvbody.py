"""CSV request bodies (courtlib.http.csvbody): the rows a spreadsheet export gives, or a 400 naming the line."""

import pytest

from courtlib.http.csvbody import CsvError, is_csv, read_rows


def test_reads_semicolon_files_as_brazilian_spreadsheets_save_them_with_bom_and_blank_lines():
    rows = read_rows("\ufeffNome;Antiguidade\nAna;1\n\n Bruno ; 2 \n", required=("nome", "antiguidade"))
    assert [(r.line, r.values) for r in rows] == [(2, {"nome": "Ana", "antiguidade": "1"}),
                                                  (4, {"nome": "Bruno", "antiguidade": "2"})]


def test_reads_comma_files_with_quoted_values():
    rows = read_rows('nome,partes\n"Silva, Ana","A; B"\n', required=("nome",))
    assert rows[0].values == {"nome": "Silva, Ana", "partes": "A; B"}


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("nome\nAna\n", 1, "antiguidade"),
    ("nome,antiguidade\n", 2, "nenhuma linha"),
    ("nome,antiguidade\nAna,1,extra\n", 2, "3 valores para 2 colunas"),
    ("", 1, "nomes das colunas"),
])
def test_a_malformed_file_names_the_line(text, line, fragment):
    with pytest.raises(CsvError) as caught:
        read_rows(text, required=("nome", "antiguidade"))
    assert caught.value.line == line and fragment in caught.value.detail
    problem = caught.value.problem()
    assert problem.status == 400 and problem.code == "CSV_INVALIDO" and problem.field == f"linha {line}"


def test_row_helpers_convert_or_refuse_with_the_line():
    row = read_rows("a;b;c\nsim;7;talvez\n", required=())[0]
    assert row.flag("a") is True and row.integer("b") == 7 and row.flag("ausente") is False
    with pytest.raises(CsvError, match="linha 2: 'talvez'"):
        row.flag("c")
    with pytest.raises(CsvError, match="obrigatória"):
        row.required("ausente")


def test_content_type_detection():
    assert is_csv("text/csv; charset=utf-8") and is_csv("TEXT/CSV")
    assert not is_csv("application/json") and not is_csv(None)
