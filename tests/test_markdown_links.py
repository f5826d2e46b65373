"""Markdown from organisers: links only to http, https and mailto; images only from our uploads."""

import pytest

from webinar.markup import render_markdown


@pytest.mark.parametrize(
    "markdown",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "[click](file:///etc/passwd)",
        "[click](ftp://example.org/file)",
        '<a href="javascript:alert(1)">click</a>',
        "<javascript:alert(1)>",
    ],
)
def test_links_to_other_schemes_lose_their_address(markdown):
    html = str(render_markdown(markdown))
    assert "javascript" not in html.lower()
    assert "data:" not in html and "vbscript" not in html.lower()
    assert "file:" not in html and "ftp:" not in html


@pytest.mark.parametrize(
    "markdown, href",
    [
        ("[site](https://example.org/a?b=1)", "https://example.org/a?b=1"),
        ("[site](http://example.org/)", "http://example.org/"),
        ("[write](mailto:talks@example.org)", "mailto:talks@example.org"),
        ("<https://example.org/auto>", "https://example.org/auto"),
    ],
)
def test_http_https_and_mailto_links_are_kept_and_cannot_reach_back(markdown, href):
    html = str(render_markdown(markdown))
    assert f'href="{href}"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "![x](https://tracker.example.org/pixel.gif)",
        "![x](http://tracker.example.org/pixel.gif)",
        "![x](//tracker.example.org/pixel.gif)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](javascript:alert(1))",
        "![x](/organiser/logout)",
        "![x](/uploads/../organiser/)",
        "![x](/uploads/%2e%2e/organiser/)",
        "![x](/uploads/..%2Forganiser)",
        "![x](/uploads/a/../../organiser/)",
        '<img src="https://tracker.example.org/p.gif" onerror="alert(1)">',
    ],
)
def test_images_from_anywhere_but_our_uploads_lose_their_source(markdown):
    html = str(render_markdown(markdown))
    assert "src=" not in html
    assert "onerror" not in html


def test_images_from_our_uploads_are_kept():
    html = str(render_markdown("![The banner](/uploads/banner.png)"))
    assert '<img alt="The banner" src="/uploads/banner.png">' in html
