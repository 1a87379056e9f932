"""A Brief as a page: pure, data in, text out.

- `markdown(brief)`: the Markdown brief (`markdown_brief.py`), what `--out` writes.
- `html(brief)`: one self-contained HTML page (`html_brief.py`, drawings in `timeline_drawing.py`
  and `graph_drawing.py`, their text in `svgtext.py`), what `--html` writes.

Both state the same facts in the same order; `text()` and `cite()` are the Markdown helpers
other modules use for one line of a brief.
"""

from briefgen.render.html_brief import html
from briefgen.render.markdown_brief import cite, markdown, text

__all__ = ["cite", "html", "markdown", "text"]
