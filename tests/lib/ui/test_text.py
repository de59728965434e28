"""User text stays inert when shown with Markdown."""

import pytest
from markdown_it import MarkdownIt

from lib.ui.text import md_escape
from tests.corpus import blns


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "**vet**", "[link](http://x)", "$x$", "# kop"])
def test_markdown_and_html_are_shown_not_interpreted(text):
    rendered = MarkdownIt("commonmark").render(md_escape(text))
    assert "<script" not in rendered and "<strong>" not in rendered and "<a " not in rendered
    assert "<h1>" not in rendered


def test_no_blns_string_produces_markup():
    md = MarkdownIt("commonmark")
    for text in blns():
        rendered = md.render(md_escape(text))
        for tag in ("<script", "<a ", "<img", "<strong>", "<em>", "<h1>", "<iframe"):
            assert tag not in rendered, (text, rendered)
