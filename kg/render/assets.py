"""The scripts and styles the page inlines, read from installed packages (nothing is fetched).

vis-network ships inside the pyvis package (`pyvis/templates/lib/vis-9.1.2/`);
the page's own script and style live beside the template. Every asset is
checked before it is inlined: it must not be able to close its own
`<script>`/`<style>` element.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

VIS_VERSION = "9.1.2"
_SOURCE_MAP = re.compile(r"//# sourceMappingURL=\S*\s*$")


class AssetError(RuntimeError):
    """An installed asset is missing or cannot be inlined safely."""


@dataclass(frozen=True)
class Assets:
    """The texts the page inlines."""

    vis_js: str
    vis_css: str
    page_js: str
    page_css: str

    def script_hashes(self) -> list[str]:
        """CSP source expressions (`'sha256-…'`) for the page's two executable scripts."""
        return [csp_hash(self.vis_js), csp_hash(self.page_js)]


def csp_hash(text: str) -> str:
    """The Content-Security-Policy hash source of an inline script's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _read(package: str, *parts: str) -> str:
    try:
        return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise AssetError(f"{package}/{'/'.join(parts)}: not installed ({err})") from err


def _checked(name: str, text: str, closing: str) -> str:
    if closing in text.lower() or "<!--" in text:
        raise AssetError(f"{name}: contains {closing!r} or '<!--' and cannot be inlined")
    return text


@cache
def load() -> Assets:
    """vis-network's script and style from pyvis, and the page's own, checked for inlining."""
    lib = ("templates", "lib", f"vis-{VIS_VERSION}")
    vis_js = _SOURCE_MAP.sub("", _read("pyvis", *lib, "vis-network.min.js")).rstrip() + "\n"
    vis_css = _SOURCE_MAP.sub("", _read("pyvis", *lib, "vis-network.css"))
    return Assets(
        vis_js=_checked("vis-network.min.js", vis_js, "</script"),
        vis_css=_checked("vis-network.css", vis_css, "</style"),
        page_js=_checked("page.js", _read("kg.render", "templates", "page.js"), "</script"),
        page_css=_checked("page.css", _read("kg.render", "templates", "page.css"), "</style"),
    )
