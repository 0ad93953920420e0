"""The project's nbconvert exporter: one evidence notebook → one self-contained, safe page.

Registered as the ``evidence-bundle`` entry point under ``nbconvert.exporters``, so
``jupyter nbconvert --to evidence-bundle NOTEBOOK.ipynb`` works on any notebook; the export
command reuses one instance for every item of a bundle. Its Jinja templates live in
``portfolio_templates/nbconvert/evidence-bundle/``.

What makes a page safe to open anywhere:

* no script at all, and nothing fetched from another host: no require.js, MathJax or widget
  JavaScript; the CSS is inlined; images are ``data:`` URIs; a strict Content-Security-Policy
  meta tag forbids anything else;
* Jinja autoescaping is on, so every value is escaped unless a filter below marks it safe;
* markdown (cells, ``text/markdown`` outputs) is rendered, then sanitised with ``nh3``;
  ``text/html`` outputs are sanitised; ``img`` keeps only ``data:image/…;base64`` sources and
  links only http(s), mailto, tel and in-page ``#`` targets;
* interactive outputs (widgets, JavaScript) are replaced by a short note.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import cached_property
from typing import Any

import markupsafe
import nh3
from nbconvert.exporters.html import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from traitlets import default

from incidentfolio import __version__, paths

TEMPLATE_NAME = "evidence-bundle"
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-src 'none'; connect-src 'none'"
)
_SAFE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
_URL_OK = re.compile(r"^(?:https?:|mailto:|tel:|#)", re.IGNORECASE)
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")
_RASTER = ("image/png", "image/jpeg", "image/gif", "image/webp")
_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "longdesc", "action", "background"})
_INTERACTIVE = {
    "application/vnd.jupyter.widget-view+json": "An interactive widget",
    "application/vnd.jupyter.widget-state+json": "An interactive widget",
    "application/javascript": "JavaScript output",
    "text/javascript": "JavaScript output",
}


def nbconvert_templates_dir() -> str:
    """``portfolio_templates/nbconvert``: the base folder of this exporter's templates."""
    return str(paths.templates_dir() / "nbconvert")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        return value if _SAFE_IMAGE.match(value.strip()) else None
    if attribute in _URL_ATTRIBUTES:
        return value if _URL_OK.match(value.strip()) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(nh3.ALLOWED_TAGS) - {"map", "area"},
    clean_content_tags={"script", "style"},
    url_schemes={"http", "https", "mailto", "tel"},
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel="noopener noreferrer nofollow",
)


def sanitise(text: object) -> markupsafe.Markup:
    """Candidate-written or notebook-produced HTML, cleaned with ``nh3`` and marked safe."""
    return markupsafe.Markup(_CLEANER.clean(str(text or "")))  # noqa: S704 (cleaned by nh3)


class EvidenceBundleExporter(HTMLExporter):
    """HTML for an evidence item (or any notebook), safe to open offline in any browser."""

    export_from_notebook = "Evidence bundle page"

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self) -> list[str]:
        return [nbconvert_templates_dir()]

    @default("exclude_anchor_links")
    def _exclude_anchor_links_default(self) -> bool:
        return True

    @property
    def default_config(self) -> Any:
        config = super().default_config
        # The notebook's own output is shown as it was saved: never run, never stripped.
        config.merge({"HighlightMagicsPreprocessor": {"enabled": True}})
        return config

    def _create_environment(self) -> Any:
        environment = super()._create_environment()
        environment.autoescape = True  # every value escaped unless a filter marks it safe
        environment.globals["generator"] = f"incidentfolio {__version__}"
        return environment

    def default_filters(self) -> Any:
        """nbconvert's filters plus the safe renderers the templates use."""
        yield from super().default_filters()
        yield ("markdown_cell", self.markdown_cell)
        yield ("code_html", self.code_html)
        yield ("output_html", self.output_html)
        yield ("sanitise", sanitise)

    @cached_property
    def bundle_css(self) -> markupsafe.Markup:
        """The bundle's style sheet plus the code-highlighting rules, to inline in a page."""
        from pygments.formatters import HtmlFormatter

        css = (paths.templates_dir() / "nbconvert" / TEMPLATE_NAME / "bundle.css").read_text(
            encoding="utf-8"
        )
        pygments = HtmlFormatter(style="default").get_style_defs(".highlight")
        return markupsafe.Markup(css + "\n" + pygments)  # noqa: S704 (our own file)

    def from_notebook_node(
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """The page for ``nb``.

        IPython code is highlighted with the plain Python lexer, so exporting never imports
        IPython (its lexers load all of it). HTMLExporter's BeautifulSoup pass over the page
        (alternative text for images, tab stops for the lab template's cells) is skipped:
        these templates write both themselves, and parsing every page again is slow.
        """
        info = nb.metadata.get("language_info") or {}
        lexer = str(info.get("pygments_lexer") or info.get("name") or "python3")
        if lexer.startswith("ipython"):
            lexer = "python3" if lexer != "ipython2" else "python2"
        if lexer != info.get("pygments_lexer"):
            nb = nb.copy()
            nb.metadata = nb.metadata.copy()
            nb.metadata["language_info"] = {
                **info,
                "name": str(info.get("name") or "python"),
                "pygments_lexer": lexer,
            }
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    def _init_resources(self, resources: Any) -> Any:
        resources = super()._init_resources(resources)
        resources["csp"] = CSP
        resources["bundle_css"] = self.bundle_css
        resources.setdefault("metadata", {})
        return resources

    # --- filters ---------------------------------------------------------------------------
    def markdown_cell(self, cell: Any) -> markupsafe.Markup:
        """A markdown cell rendered by nbconvert (with its attachments), then sanitised."""
        rendered = self.markdown2html({"cell": cell}, cell.get("source") or "")
        return sanitise(rendered)

    def code_html(self, cell: Any) -> markupsafe.Markup:
        """A code cell's source highlighted by Pygments (which escapes it)."""
        highlight = self.environment.filters["highlight_code"]
        html = highlight(cell.get("source") or "", metadata=cell.get("metadata"))
        return markupsafe.Markup(html)  # noqa: S704 (Pygments escapes the code)

    def output_html(self, output: Any) -> markupsafe.Markup:
        """One cell output as safe, static HTML (interactive outputs become a note)."""
        kind = output.get("output_type")
        if kind == "stream":
            name = "stderr" if output.get("name") == "stderr" else "stdout"
            text = self._ansi(output.get("text", ""))  # escaped by ansi2html
            return markupsafe.Markup(f'<pre class="output stream {name}">{text}</pre>')  # noqa: S704
        if kind == "error":
            trace = "\n".join(output.get("traceback") or []) or (
                f"{output.get('ename', '')}: {output.get('evalue', '')}"
            )
            return markupsafe.Markup(f'<pre class="output error">{self._ansi(trace)}</pre>')  # noqa: S704
        data = output.get("data") or {}
        return self._mime_html(data)

    def _ansi(self, text: str) -> str:
        """Terminal colours as spans; the text itself escaped."""
        return str(self.environment.filters["ansi2html"](str(text or "")))

    def _mime_html(self, data: dict[str, Any]) -> markupsafe.Markup:
        for mime, what in _INTERACTIVE.items():
            if mime in data:
                return self._note(f"{what} was shown here; it is not part of the bundle")
        if isinstance(data.get("text/html"), str):
            return (
                markupsafe.Markup('<div class="output html">')
                + sanitise(data["text/html"])
                + markupsafe.Markup("</div>")
            )
        if isinstance(data.get("text/markdown"), str):
            rendered = self.markdown2html({"cell": {}}, data["text/markdown"])
            return (
                markupsafe.Markup('<div class="output markdown">')
                + sanitise(rendered)
                + markupsafe.Markup("</div>")
            )
        if isinstance(data.get("image/svg+xml"), str):
            encoded = base64.b64encode(data["image/svg+xml"].encode("utf-8")).decode("ascii")
            return self._img("image/svg+xml", encoded)
        for mime in _RASTER:
            value = data.get(mime)
            if isinstance(value, str) and _BASE64.match(value) and _decodes(value):
                return self._img(mime, re.sub(r"\s+", "", value))
        for mime in ("text/latex", "text/plain"):
            if isinstance(data.get(mime), str):
                return markupsafe.Markup(f'<pre class="output text">{self._ansi(data[mime])}</pre>')  # noqa: S704
        if data:
            kinds = ", ".join(sorted(markupsafe.escape(k) for k in data))
            return self._note(f"Output of type {kinds} is not shown")
        return markupsafe.Markup("")

    @staticmethod
    def _img(mime: str, encoded: str) -> markupsafe.Markup:
        # the data is checked base64 and the type one of ours
        tag = f'<img alt="output image" src="data:{mime};base64,{encoded}">'
        return markupsafe.Markup(f'<div class="output image">{tag}</div>')  # noqa: S704

    @staticmethod
    def _note(text: str) -> markupsafe.Markup:
        return (
            markupsafe.Markup('<p class="output note">')
            + markupsafe.escape(text)
            + markupsafe.Markup("</p>")
        )


def _decodes(value: str) -> bool:
    try:
        base64.b64decode(re.sub(r"\s+", "", value), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True
