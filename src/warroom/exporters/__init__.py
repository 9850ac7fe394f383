"""The post-mortem's export formats (Markdown, JSON, TOML, HTML) and the importer beside them."""

from __future__ import annotations

from collections.abc import Callable

from warroom.domain.errors import BadInput
from warroom.domain.postmortem import Report

FORMATS = ("md", "json", "toml", "html")
_EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".toml": "toml", ".html": "html"}


def format_for(name: str | None, filename: str | None) -> str:
    """The format asked for, else the one the output file's extension names, else Markdown."""
    if name is not None:
        if name not in FORMATS:
            raise BadInput(f"bad format {name!r}: use one of {', '.join(FORMATS)}")
        return name
    if filename is not None:
        for extension, known in _EXTENSIONS.items():
            if filename.lower().endswith(extension):
                return known
    return "md"


def render(report: Report, name: str) -> str:
    return _renderer(name)(report)


def _renderer(name: str) -> Callable[[Report], str]:
    if name == "json":
        from warroom.exporters.data import to_json

        return to_json
    if name == "toml":
        from warroom.exporters.data import to_toml

        return to_toml
    if name == "html":
        from warroom.exporters.html_page import to_html

        return to_html
    if name == "md":
        from warroom.exporters.markdown import to_markdown

        return to_markdown
    raise BadInput(f"bad format {name!r}: use one of {', '.join(FORMATS)}")
