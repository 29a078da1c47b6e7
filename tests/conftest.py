"""Repository-wide test set-up: fake AWS credentials, and sockets forbidden in unit tests."""

import os

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "sa-east-1")
os.environ.setdefault("AWS_REGION", "sa-east-1")
os.environ.setdefault("PAGINATION_SECRET", "tests-pagination-secret-0123456789abcdef")
# cooperação's close in 4 parts, as on the local stack (its .chalice "local" stage): one in-process consumer runs the
# parts in turn, so production's 64 would only repeat the same work 16 times (a test may build settings with 64)
os.environ.setdefault("COOPERACAO_FECHAMENTO_PARTES", "4")
os.environ.pop("AWS_ENDPOINT_URL", None)
# botocore ≥1.40 sends DynamoDB Streams calls to account-based hosts that moto's in-process mock does not route.
os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/tests/unit/" in str(item.fspath):
            item.add_marker(pytest.mark.disable_socket)


@pytest.fixture(autouse=True)
def _no_sockets_in_unit_tests(request):
    if request.node.get_closest_marker("disable_socket"):
        from pytest_socket import disable_socket, enable_socket

        disable_socket()
        yield
        enable_socket()
    else:
        yield


pytest_plugins = ["tests.aws_fixtures"]
