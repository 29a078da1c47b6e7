"""devstack.web: the local server of web/ — static files with their security headers, config.json, the local sign-in."""

from __future__ import annotations

import pytest
import requests

from devstack.auth import InvalidCredentials
from devstack.web import WebServer, content_security_policy, web_config

URLS = {"cooperacao": "http://127.0.0.1:1001", "plantao": "http://127.0.0.1:1002"}


def fake_login(user: str, password: str) -> str:
    if (user, password) != ("servidor.ana", "certa"):
        raise InvalidCredentials(user)
    return "token-de-ana"


@pytest.fixture
def web():
    server = WebServer(lambda: URLS, fake_login, port=0)
    server.start()
    yield server.url
    server.stop()


def test_serves_the_pages_with_a_policy_that_allows_only_the_configured_apis(web):
    page = requests.get(f"{web}/", timeout=10)
    assert page.status_code == 200 and '<html lang="pt-BR">' in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "http://127.0.0.1:1001" in policy and "'unsafe-inline'" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    script = requests.get(f"{web}/js/verify.js", timeout=10)
    assert script.headers["Content-Type"].startswith("text/javascript")


def test_config_json_names_the_services_and_the_local_sign_in(web):
    assert requests.get(f"{web}/config.json", timeout=10).json() == web_config(URLS)
    assert web_config(URLS)["login"] == {"tipo": "local", "url": "login"}


def test_login_gives_the_token_or_a_problem_naming_the_field(web):
    ok = requests.post(f"{web}/login", json={"usuario": "servidor.ana", "senha": "certa"}, timeout=10)
    assert ok.status_code == 200 and ok.json() == {"id_token": "token-de-ana"}
    wrong = requests.post(f"{web}/login", json={"usuario": "servidor.ana", "senha": "errada"}, timeout=10)
    assert wrong.status_code == 401 and wrong.headers["Content-Type"].startswith("application/problem+json")
    assert wrong.json()["code"] == "CREDENCIAIS_INVALIDAS" and "token" not in wrong.text
    missing = requests.post(f"{web}/login", json={"usuario": "servidor.ana"}, timeout=10)
    assert missing.status_code == 422 and missing.json()["field"] == "senha"
    garbage = requests.post(f"{web}/login", data=b"{not json", timeout=10)
    assert garbage.status_code == 422 and garbage.json()["field"] == "usuario"


def test_nothing_outside_web_is_served(web):
    for path in ("/../README.md", "/%2e%2e/README.md", "/../infra/devstack/web.py"):
        assert "Back office" not in requests.get(f"{web}{path}", timeout=10).text


def test_policy_lists_each_api_once():
    policy = content_security_policy({"a": "http://x:1", "b": "http://x:1"})
    assert policy.count("http://x:1") == 1
