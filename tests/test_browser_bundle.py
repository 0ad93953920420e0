"""Evidence bundles opened in system Chromium from disk, with every non-file request blocked.

The demo bundle must load nothing from anywhere, log no console error, show the criteria
matrix and scroll a matrix link to the exact cell it names. A portfolio filled with the
hostile corpus in ``tests/data/hostile`` must run none of its payloads, whether or not the
pages' Content-Security-Policy is enforced (so the sanitiser is tested on its own too).
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import nbformat
import pytest
from support import REPO

from incidentfolio.demo import build_demo
from incidentfolio.export.bundle import export_bundle
from incidentfolio.store import Mapping, open_store

pytestmark = pytest.mark.browser

HOSTILE = sorted((REPO / "tests" / "data" / "hostile").glob("*.txt"))
FW = "k503-0421"


def _block_all_but_files(page_or_context) -> list[str]:
    """Abort every request that is not for a local file; return the list they are added to."""
    blocked: list[str] = []

    def route(route_obj):
        url = route_obj.request.url
        if url.startswith("file://"):
            route_obj.continue_()
        else:
            blocked.append(url)
            route_obj.abort()

    page_or_context.route("**/*", route)
    return blocked


# --- the demo bundle -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "p"
    folder.mkdir(mode=0o700)
    build_demo(folder)
    with open_store(folder) as store:
        return export_bundle(store, tmp_path_factory.mktemp("out"), progress=False).path


def test_index_loads_nothing_from_anywhere_and_shows_the_matrix(page, demo_bundle):
    blocked = _block_all_but_files(page)
    page.goto((demo_bundle / "index.html").as_uri())
    page.wait_for_load_state("load")
    matrix = page.locator("table.matrix").first
    assert matrix.is_visible()
    assert page.title() == "Evidence bundle: Niamh Rafferty (CC26-04817)"
    rows = page.locator("#matrix-k503-0421 tbody tr:not(.lo-row)")
    assert rows.count() == 18
    assert page.locator("#matrix-k503-0421 tr.lo-row").count() == 3
    assert "Evidence mapped" in page.locator("#crit-k503-0421-1\\.3 td.status").inner_text()
    assert page.locator("#matrix-escalated-l3").is_visible()
    assert blocked == []
    assert page.problems.console_errors == []


def test_a_matrix_link_scrolls_to_its_cell(page, demo_bundle):
    blocked = _block_all_but_files(page)
    page.goto((demo_bundle / "index.html").as_uri())
    # EV-0001 shows k503-0421:1.6 in its "advice given" field, far down its page
    link = page.locator(
        '#crit-k503-0421-1\\.6 a[href="items/EV-0001.html#cell-field-advice_given"]'
    )
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/items/EV-0001.html#cell-field-advice_given")
    page.wait_for_load_state("load")
    where = page.evaluate(
        """() => {
            const el = document.getElementById('cell-field-advice_given');
            const box = el.getBoundingClientRect();
            return {top: box.top, scrollY: window.scrollY, height: window.innerHeight,
                    target: el.matches(':target'), text: el.innerText};
        }"""
    )
    assert where["target"]
    assert where["scrollY"] > 0, "the page did not scroll"
    assert 0 <= where["top"] < where["height"] / 2, where
    assert "Advice given" in where["text"]
    # and back: the item page links to the index
    page.locator("nav.topnav a").first.click()
    page.wait_for_url("**/index.html")
    assert blocked == []


def test_every_item_page_loads_nothing_and_logs_no_error(page, demo_bundle):
    blocked = _block_all_but_files(page)
    for item in sorted((demo_bundle / "items").iterdir()):
        page.goto(item.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("header.item-head h1").is_visible(), item.name
    assert blocked == []
    assert page.problems.console_errors == []


# --- the hostile corpus ----------------------------------------------------------------------------


def _hostile_notebook(path: Path, texts: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell(text) for text in texts]
    code = nbformat.v4.new_code_cell("show()")
    svg = ("<svg xmlns='http://www.w3.org/2000/svg' onload=\"window.__pwned='svg-output'\">"
           "<script>window.__pwned='svg-output-script'</script></svg>")  # fmt: skip
    code.outputs = [
        *(nbformat.v4.new_output("display_data", data={"text/html": t}) for t in texts),
        *(nbformat.v4.new_output("display_data", data={"text/markdown": t}) for t in texts),
        nbformat.v4.new_output("stream", name="stdout", text="\n".join(texts)),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": svg}),
        nbformat.v4.new_output("display_data", data={
            "application/javascript": "window.__pwned = 'js-output'",
            "text/plain": "js"}),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2,
                                                         "version_minor": 0},
            "text/html": "<script>window.__pwned = 'widget-html'</script>"}),
        nbformat.v4.new_output("display_data", data={
            "image/png": "x\" onerror=\"window.__pwned='png-attribute'"}),
        nbformat.v4.new_output("error", ename="Boom", evalue=texts[0],
                               traceback=[f"\x1b[31m{t}\x1b[0m" for t in texts]),
    ]  # fmt: skip
    nb.cells = [*cells, code]
    nbformat.write(nb, path)
    return path


def _hostile_portfolio(folder: Path) -> Path:
    """Every hostile text in titles, fields, justifications, a file name and a notebook."""
    texts = [p.read_text("utf-8") for p in HOSTILE]
    folder.mkdir(parents=True)
    files = folder.parent / "files"
    files.mkdir()
    named = files / '"><img src=x onerror="window.__pwned=\'file-name\'">.txt'
    named.write_text(texts[0], "utf-8")
    page = files / "page.html"
    page.write_text("<script>window.__pwned='attachment-page'</script>", "utf-8")
    notebook = _hostile_notebook(files / "hostile.ipynb", texts)
    with open_store(folder, create=True) as store:
        store.set_profile(candidate_name="<script>window.__pwned='name'</script> Sam",
                          candidate_number="C1<b>", frameworks=[FW],
                          centre="<img src=x onerror=\"window.__pwned='centre'\">")  # fmt: skip
        for n, text in enumerate(texts):
            first = text.splitlines()[0][:200]
            body = dict.fromkeys(("description", "feelings", "evaluation", "analysis", "conclusion", "action_plan"), text)  # fmt: skip
            store.add_item(
                "reflection", first, body, attachments=[named, page] if n == 0 else [],
                mappings=[Mapping(FW, "1.6", f"It shows this well: {first}", "description"),
                          Mapping(FW, "3.2", f"It also shows: {text}", first)],
            )  # fmt: skip
            store.add_item(
                "witness_testimony", first,
                {"witness_name": first, "witness_role": first, "relationship": first,
                 "date_observed": "2026-03-14", "observed": text, "signature_statement": True,
                 "signed_on": "2026-03-15"},
                mappings=[Mapping(FW, "1.1", f"The witness saw it: {first}")],
            )  # fmt: skip
        store.add_item(
            "notebook", texts[0].splitlines()[0],
            {"notebook_path": notebook.name, "title": texts[1].splitlines()[0],
             "cell_ids": ["\"><script>window.__pwned='cell-id'</script>"], "summary": texts[2]},
            attachments=[notebook],
            mappings=[Mapping(FW, "3.3", "The notebook shows the decision tree at work.",
                              "javascript:window.__pwned='anchor'")],
        )  # fmt: skip
    return folder


class _Tags(html.parser.HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _static_problems(page: Path) -> list[str]:
    parser = _Tags()
    parser.feed(page.read_text("utf-8"))
    found = []
    styles = 0
    for tag, attrs in parser.tags:
        if tag in ("script", "iframe", "object", "embed", "link", "base", "form", "svg",
                   "math", "frame", "frameset", "template", "noscript", "applet"):  # fmt: skip
            found.append(f"<{tag}>")
        if tag == "style":
            styles += 1
        if tag == "meta" and any(k == "http-equiv" and v and v.lower() == "refresh"
                                 for k, v in attrs):  # fmt: skip
            found.append("<meta refresh>")
        for key, value in attrs:
            if key.startswith("on") or key in ("style", "srcset", "srcdoc", "background",
                                               "poster", "formaction"):  # fmt: skip
                found.append(f"<{tag} {key}>")
            if key in ("href", "src", "action", "xlink:href") and value:
                v = re.sub(r"[\x00-\x20]", "", value).lower()
                if v.startswith(("javascript:", "vbscript:", "data:text")) or (
                    key == "src" and not v.startswith("data:image/")
                ):
                    found.append(f"<{tag} {key}={value[:40]}>")
    if styles != 1:
        found.append(f"{styles} <style> elements (expected only the page's own)")
    return [f"{page.name}: {p}" for p in found]


@pytest.fixture(scope="module", params=[True, False], ids=["with-personal-data", "pseudonymised"])
def hostile_bundle(request, tmp_path_factory) -> Path:
    folder = _hostile_portfolio(tmp_path_factory.mktemp("hostile") / "p")
    with open_store(folder) as store:
        result = export_bundle(store, tmp_path_factory.mktemp("out"),
                               include_personal_data=request.param, progress=False)  # fmt: skip
    return result.path


def test_hostile_corpus_is_present():
    names = {p.stem for p in HOSTILE}
    assert {"script-tags", "event-handlers", "javascript-urls", "svg-payloads",
            "css-injection", "broken-markup"} <= names  # fmt: skip
    for path in HOSTILE:
        assert "window.__pwned" in path.read_text("utf-8") or path.stem == "css-injection"


def test_hostile_pages_have_no_active_markup(hostile_bundle):
    problems = []
    for page in [hostile_bundle / "index.html", *sorted((hostile_bundle / "items").iterdir())]:
        problems += _static_problems(page)
    assert problems == []
    attachments = [p.name for p in (hostile_bundle / "attachments").rglob("*") if p.is_file()]
    assert "page.html.txt" in attachments and "page.html" not in attachments


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["csp", "no-csp"])
def test_no_hostile_payload_runs_or_fetches(browser, hostile_bundle, bypass_csp):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
    blocked = _block_all_but_files(context)
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    pwned = {}
    try:
        for path in [hostile_bundle / "index.html", *sorted((hostile_bundle / "items").iterdir())]:
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            for y in range(0, 900, 60):  # hover everywhere, then tab through every control
                page.mouse.move(640, y)
                page.mouse.move(100, y)
            for _ in range(15):
                page.keyboard.press("Tab")
            page.wait_for_timeout(100)
            flag = page.evaluate("() => window.__pwned")
            if flag is not None:
                pwned[path.name] = flag
            assert page.evaluate("() => location.protocol") == "file:"
    finally:
        context.close()
    assert pwned == {}
    assert blocked == []
    assert errors == []
