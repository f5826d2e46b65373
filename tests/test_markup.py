"""Organiser Markdown: rich text survives, anything that could run or track does not."""

from webinar.markup import render_markdown, web_link


def test_lists_links_emphasis_and_headings_survive():
    html = render_markdown(
        "## Agenda\n\n*Welcome* and **talks**:\n\n- one\n    - nested\n- [site](https://example.org)"
    )
    assert "<h2>Agenda</h2>" in html
    assert "<em>Welcome</em>" in html
    assert "<strong>talks</strong>" in html
    assert "<ul>" in html and "<li>nested</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_script_tags_are_removed():
    html = render_markdown("Hello <script>alert('x')</script> there")
    assert "<script" not in html
    assert "alert" not in html


def test_event_handlers_are_removed():
    html = render_markdown('<img src="/uploads/a.png" onerror="alert(1)"> <b onclick="x()">b</b>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert '<img src="/uploads/a.png">' in html


def test_javascript_links_lose_their_target():
    html = render_markdown("[click](javascript:alert(1)) <a href='JAVASCRIPT:alert(2)'>x</a>")
    assert "javascript" not in html.lower()
    assert ">click</a>" in html


def test_iframes_and_remote_images_are_removed():
    html = render_markdown(
        '<iframe src="https://evil.example"></iframe>\n\n![tracker](https://evil.example/p.gif)'
    )
    assert "<iframe" not in html
    assert "evil.example" not in html


def test_empty_text_renders_nothing():
    assert render_markdown(None) == ""
    assert render_markdown("") == ""


def test_only_web_addresses_are_links():
    assert web_link("https://video.example.org/x") == "https://video.example.org/x"
    assert web_link(" http://example.org ") == "http://example.org"
    assert web_link("javascript:alert(1)") is None
    assert web_link("data:text/html,hi") is None
    assert web_link("") is None
