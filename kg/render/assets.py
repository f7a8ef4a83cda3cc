"""The scripts and styles the page inlines, read from installed packages (nothing is fetched).

vis-network ships inside the pyvis package (`pyvis/templates/lib/vis-9.1.2/`);
the page's own style lives beside the template, and its script is a set of ES
modules by feature (`templates/js/`, linted and unit-tested under Node) joined
here into one inline script. Every asset is checked before it is inlined: it
must not be able to close its own `<script>`/`<style>` element.
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

MODULES = ("util", "dom", "data", "filters", "urlstate", "app", "widgets", "tooltip", "status", "history", "panel",
           "graph", "matrix", "search", "filterui", "nodelist", "summary", "main")
"""The page's script modules (`templates/js/NAME.js`) in the order they are joined; `main.start()` runs last."""
_IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s+"\./([a-z]+)\.js";[ \t]*\n', re.M)
_EXPORT = re.compile(r"^export\s+(?=(?:async\s+)?function\b|const\b|let\b|class\b)", re.M)
_TOP_LEVEL = re.compile(r"^(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+|class\s+)([A-Za-z_$][\w$]*)", re.M)


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


def bundle(sources: dict[str, str]) -> str:
    """The modules joined into one script: imports dropped (every module shares one scope), `export`
    removed, the whole wrapped in a strict IIFE that ends by calling `start()`.

    Raises AssetError for what the join cannot keep: an import of a module that is not in MODULES or comes
    later in the order without being a function, any other `export` form, or two modules declaring the same
    top-level name."""
    seen: dict[str, str] = {}
    parts = []
    for name, text in sources.items():
        for target in _IMPORT.findall(text):
            if target not in sources:
                raise AssetError(f"js/{name}.js imports ./{target}.js, which is not one of the page's modules")
        body = _EXPORT.sub("", _IMPORT.sub("", text))
        if re.search(r"^\s*(?:import|export)\b", body, re.M):
            raise AssetError(f"js/{name}.js: an import or export the join does not understand")
        for ident in _TOP_LEVEL.findall(body):
            if ident in seen:
                raise AssetError(f"js/{name}.js and js/{seen[ident]}.js both declare {ident!r} at top level")
            seen[ident] = name
        parts.append(f"// ---- js/{name}.js\n{body.strip()}\n")
    if "start" not in seen:
        raise AssetError("no module declares start()")
    return '(function () {\n"use strict";\n' + "\n".join(parts) + "start();\n}());\n"


def page_script() -> str:
    """The page's script: its modules read from the package and joined (`bundle`)."""
    return bundle({name: _read("kg.render", "templates", "js", f"{name}.js") for name in MODULES})


@cache
def load() -> Assets:
    """vis-network's script and style from pyvis, and the page's own, checked for inlining."""
    lib = ("templates", "lib", f"vis-{VIS_VERSION}")
    vis_js = _SOURCE_MAP.sub("", _read("pyvis", *lib, "vis-network.min.js")).rstrip() + "\n"
    vis_css = _SOURCE_MAP.sub("", _read("pyvis", *lib, "vis-network.css"))
    return Assets(
        vis_js=_checked("vis-network.min.js", vis_js, "</script"),
        vis_css=_checked("vis-network.css", vis_css, "</style"),
        page_js=_checked("page script", page_script(), "</script"),
        page_css=_checked("page.css", _read("kg.render", "templates", "page.css"), "</style"),
    )
