"""Fixtures for the end-to-end tests: the local runtime as a subprocess, driven over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import FIXTURE_PROJECT, REPO, LocalServer


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call" and report.failed:
        for server in getattr(item, "funcargs", {}).values():
            if isinstance(server, LocalServer):
                report.sections.append(("local server log", server.log()))
    return report


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The runtime serving the small fixture project (tests/e2e/fixture_project)."""
    server = LocalServer(tmp_path_factory.mktemp("fixture") / "state", root=FIXTURE_PROJECT).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sales_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The runtime serving the real Sales service (template.yaml at the repository root)."""
    if not (REPO / "template.yaml").exists():
        pytest.skip("no template.yaml yet")
    server = LocalServer(tmp_path_factory.mktemp("sales") / "state", root=REPO).start()
    yield server
    server.stop()
