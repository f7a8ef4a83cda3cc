"""The interactive page: graph and evidence matrix in one self-contained, offline HTML file.

>>> import kg
>>> html = render_page(kg.load().dataset)
>>> html.startswith("<!DOCTYPE html>") and 'id="kg-data"' in html
True
"""

from kg.render.page import PageOptions, island, page_data, render_page

__all__ = ["PageOptions", "island", "page_data", "render_page"]
