"""The local stack's log routing: each service's records to its own file, errors also to the terminal."""

from __future__ import annotations

import io
import logging
import threading

from devstack.logs import PerServiceFiles, acting_as, current_service, route_service_logs


def test_records_go_to_the_file_of_the_service_the_thread_works_for(tmp_path):
    logger = logging.getLogger("test-routing-files")
    logger.handlers[:] = [logging.StreamHandler(io.StringIO())]
    logger.setLevel(logging.INFO)
    terminal = io.StringIO()
    files = route_service_logs(tmp_path, ("test-routing-files",), terminal)
    try:
        def work(service: str) -> None:
            with acting_as(service):
                logger.info("evento de %s", service)

        threads = [threading.Thread(target=work, args=(s,)) for s in ("plantao", "pagamentos")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        logger.info("sem serviço")
        with acting_as("plantao"):
            logger.error("falhou")
    finally:
        files.close()
    assert files.path("plantao").read_text().splitlines() == ["evento de plantao", "falhou"]
    assert files.path("pagamentos").read_text().splitlines() == ["evento de pagamentos"]
    assert files.path("devstack").read_text().splitlines() == ["sem serviço"]
    assert terminal.getvalue().splitlines() == [f"ERRO plantao: falhou (detalhes em {files.path('plantao')})"]
    assert not [h for h in logger.handlers if type(h) is logging.StreamHandler], "no JSON on the terminal"


def test_acting_as_nests_and_restores():
    assert current_service() is None
    with acting_as("cooperacao"):
        with acting_as("plantao"):
            assert current_service() == "plantao"
        assert current_service() == "cooperacao"
    assert current_service() is None


def test_files_keep_the_formatter_of_the_handler_they_replace(tmp_path):
    handler = PerServiceFiles(tmp_path, logging.Formatter("X %(message)s"))
    record = logging.LogRecord("n", logging.INFO, __file__, 1, "oi", None, None)
    handler.emit(record)
    handler.close()
    assert (tmp_path / "devstack.log").read_text() == "X oi\n"
