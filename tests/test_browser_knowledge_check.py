"""A knowledge check in the logging notebook, run as a Voilà app in Chromium.

Answer one question wrongly and see the mistake it reveals; try again, answer it rightly, and
find the result in the portfolio through the CLI.
"""

from __future__ import annotations

import json

import pytest
from support import cli

from incidentfolio.misconceptions import load_catalogue
from incidentfolio.questions import questions_for
from incidentfolio.store import open_store

pytestmark = pytest.mark.browser

APP = "voila/render/logging_basics.ipynb"
SLOW = 90_000  # the first page of a session starts a kernel and imports the app


@pytest.fixture
def candidate(voila_server):
    """The session server's portfolio, with a profile so results are kept."""
    folder = voila_server.portfolio
    has_profile = False
    if (folder / "portfolio.db").is_file():
        with open_store(folder) as store:
            has_profile = store.profile() is not None
    if not has_profile:
        result = cli("--portfolio", str(folder), "init", "--name", "Sam Taylor",
                     "--candidate-number", "C1234", "--framework", "principles-l2l3")  # fmt: skip
        assert result.returncode == 0, result.stderr
    return folder


def text_in(page, selector: str, text: str, timeout: int = 30_000) -> None:
    page.locator(selector, has_text=text).first.wait_for(timeout=timeout)


def test_wrong_answer_explains_the_mistake_and_the_result_is_kept(page, voila_server, candidate):
    question, wrong = next(
        (q, o)
        for q in questions_for(topic="logging")
        if q.kind == "single"
        for o in q.options
        if o.misconception
    )
    right = next(o for o in question.options if o.correct)
    mistake = load_catalogue()[wrong.misconception]
    box = f".if-kc-question-{question.id}"

    page.goto(voila_server.url + APP)
    page.locator(f"{box} .if-kc-option").wait_for(timeout=SLOW)

    page.locator(box).get_by_label(wrong.text, exact=True).check()
    page.locator("button.if-kc-check").click()
    text_in(page, f"{box} .if-kc-feedback", "Not right.")
    text_in(page, f"{box} .if-kc-feedback .if-kc-misconception", mistake.statement)
    text_in(page, f"{box} .if-kc-feedback", mistake.correction)
    text_in(page, ".if-kc-saved", "Saved as EV-")

    page.locator("button.if-kc-retry").click()
    page.locator(box).get_by_label(right.text, exact=True).check()
    page.locator("button.if-kc-check").click()
    text_in(page, f"{box} .if-kc-feedback", "Correct.")
    text_in(page, ".if-kc-saved", "Saved as EV-")
    assert page.locator(f"{box} .if-kc-misconception").count() == 0
    page.locator(".if-kc-suggest .if-kc-suggest-map").first.wait_for()

    listed = cli("--portfolio", str(candidate), "evidence", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    checks = [i for i in json.loads(listed.stdout) if i["type"] == "knowledge_check"]
    total = len(questions_for(topic="logging"))
    assert [i["title"] for i in checks] == [
        f"Knowledge check: logging (0/{total})",
        f"Knowledge check: logging (1/{total})",
    ]
