"""What the running hub exposes: no source, no tracebacks, no files it should not serve,
no template override, loopback only, and kernels that do not pile up."""

from __future__ import annotations

import json

import pytest
from support import http_get, start_server, wait_for

APP = "voila/render/priority_explorer.ipynb"


def _notebook(source: str, title: str) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": "c1",
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                }
            ],
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "incidentfolio": {"title": title, "audience": "practise", "summary": "test app"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A server over a folder holding a failing notebook and files that must not be served."""
    tmp = tmp_path_factory.mktemp("hostile")
    apps = tmp / "apps"
    (apps / "sub").mkdir(parents=True)
    (apps / "boom.ipynb").write_text(
        _notebook(
            "secret_value = 'source-marker-5521'\nraise ValueError('secret-detail-1234')", "Boom"
        )
    )
    (apps / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for name in (
        "helper.py",
        "portfolio.db",
        "data.sqlite",
        ".hidden.png",
        "sub/.env",
        "notes.txt",
    ):
        (apps / name).write_text("private-marker")
    (tmp / "outside.png").write_text("outside-marker")
    server = start_server(tmp, "--notebooks", str(apps))
    yield server
    server.stop()


def test_app_page_has_no_notebook_source(voila_server):
    status, body = http_get(voila_server.url + APP)
    assert status == 200
    assert "if-appbar" in body
    assert "from widgets.priority_explorer import PriorityExplorer" not in body
    assert "matrix = load_priority_matrix()" not in body


def test_failing_cell_shows_no_traceback_or_detail(hostile_server):
    status, body = http_get(hostile_server.url + "voila/render/boom.ipynb")
    assert status == 200
    for leak in ("Traceback", "secret-detail-1234", "ValueError", "source-marker-5521"):
        assert leak not in body


@pytest.mark.parametrize(
    "path",
    [
        "voila/files/boom.ipynb",
        "voila/files/helper.py",
        "voila/files/portfolio.db",
        "voila/files/data.sqlite",
        "voila/files/.hidden.png",
        "voila/files/sub/.env",
        "voila/files/notes.txt",
        "voila/files/../outside.png",
        "voila/files/%2e%2e/outside.png",
        "voila/files/sub/%2e%2e/%2e%2e/outside.png",
        "voila/files//etc/passwd.png",
    ],
)
def test_files_handler_refuses_private_files(hostile_server, path):
    status, body = http_get(hostile_server.url + path)
    assert status in (403, 404), f"{path} served with {status}"
    assert "private-marker" not in body and "outside-marker" not in body


def test_files_handler_serves_images(hostile_server):
    status, _ = http_get(hostile_server.url + "voila/files/ok.png")
    assert status == 200


def test_contents_api_never_returns_notebook_content(hostile_server):
    status, body = http_get(hostile_server.url + "voila/api/contents/boom.ipynb?content=1")
    assert "source-marker-5521" not in body
    assert status in (200, 403, 404)


@pytest.mark.parametrize(
    "query",
    [
        "?voila-template=classic",
        "?template=reveal",
        "?voila-theme=dark",
        "?theme=dark",
        "?voila-template=../../../etc",
    ],
)
def test_no_template_or_theme_override_from_the_url(voila_server, query):
    status, body = http_get(voila_server.url + APP + query)
    assert status == 200
    assert "if-appbar" in body, "our template must still be used"
    assert "theme-dark" not in body


@pytest.mark.parametrize("query", ["", "?classic-tree=false", "?classic-tree=true", "?theme=dark"])
def test_hub_cannot_be_swapped_for_the_file_tree(voila_server, query):
    status, body = http_get(voila_server.url + query)
    assert status == 200
    assert 'class="if-hub"' in body
    assert "Priority matrix explorer" in body


def test_server_listens_on_loopback_only(voila_server):
    addresses = voila_server.listening_addresses()
    assert ("127.0.0.1", voila_server.port) in addresses
    assert {ip for ip, _ in addresses} == {"127.0.0.1"}, addresses


def test_sigterm_stops_the_server_and_its_kernels(tmp_path):
    """SIGTERM to ``incidentfolio serve`` ends it promptly, leaving no Voilà or kernel behind."""
    import signal

    import psutil

    server = start_server(tmp_path)
    try:
        status, _ = http_get(server.url + APP)  # starts a kernel
        assert status == 200
        family = psutil.Process(server.proc.pid).children(recursive=True)
        assert server.kernels(), "the visit should have started a kernel"
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=20) == 0
        assert wait_for(
            lambda: not any(p.is_running() and p.status() != "zombie" for p in family), 20
        )
    finally:
        server.stop()
