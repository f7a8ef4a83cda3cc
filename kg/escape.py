"""Escaping text for the formats written as text: N-Triples terms and XML. The one home of these rules.

(JSON inside the page's `<script>` islands is escaped by `kg.render.page.script_safe`, HTML by
Jinja2's autoescape and `html.escape`; see docs/security.md.)

Each rule is a chain of `str.replace` calls, run only on the cells that hold a character the rule
touches: on long text that is several times faster than `str.translate`, and gives the same
characters. This module imports nothing of ours (the ground floor).

>>> ntriples_string('say "no"\\\\n')
'say \\\\"no\\\\"\\\\\\\\n'
>>> xml_text('a < b & "c"')
'a &lt; b &amp; &quot;c&quot;'
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

# N-Triples (canonical form): a backslash first, so the escapes added after it stay as they are.
_NT_REPLACE = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\b", "\\b"),
               ("\f", "\\f"))
_NT_OTHER = re.compile(r"[\x00-\x07\x0b\x0e-\x1f\x7f]")
_NT_SPECIAL = r'[\\"\x00-\x1f\x7f]'
_IRI_SPECIAL = re.compile(r'[<>"{}|^`\\ ]')

# XML 1.0 text and attribute values: `&` first; characters XML 1.0 cannot hold become U+FFFD.
_XML_REPLACE = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))
_XML_OTHER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_SPECIAL = r'[&<>"\x00-\x08\x0b\x0c\x0e-\x1f]'


def ntriples_string(text: str) -> str:
    """The inside of an N-Triples string literal (canonical escapes; `\\uXXXX` for other controls)."""
    for char, escaped in _NT_REPLACE:
        if char in text:
            text = text.replace(char, escaped)
    if _NT_OTHER.search(text):
        text = _NT_OTHER.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
    return text


def ntriples_iri(text: str) -> str:
    """The inside of an N-Triples IRI: characters an IRI reference cannot hold as `\\uXXXX`."""
    return _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def xml_text(text: str) -> str:
    """Text for XML content or a double-quoted attribute."""
    for char, escaped in _XML_REPLACE:
        if char in text:
            text = text.replace(char, escaped)
    if _XML_OTHER.search(text):
        text = _XML_OTHER.sub("\ufffd", text)
    return text


def _cells(values: pd.Series, special: str, one: Callable[[str], str]) -> pd.Series:
    """`one` applied to the cells that hold a character matching `special` (NA stays NA)."""
    hit = values.str.contains(special, regex=True).fillna(False).astype(bool)
    if not hit.any():
        return values
    out = values.copy()
    out[hit] = values[hit].map(one)
    return out


def ntriples_strings(values: pd.Series) -> pd.Series:
    """`ntriples_string` for a column of text."""
    return _cells(values, _NT_SPECIAL, ntriples_string)


def xml_texts(values: pd.Series) -> pd.Series:
    """`xml_text` for a column of text."""
    return _cells(values, _XML_SPECIAL, xml_text)


__all__ = ["ntriples_iri", "ntriples_string", "ntriples_strings", "xml_text", "xml_texts"]
