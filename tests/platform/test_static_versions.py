"""Our own stylesheets and scripts are linked with their content's digest (``?v=``), so that
nginx may let browsers keep ``/static/`` for a year (deploy/nginx/outreach.conf) and an upgrade
still reaches them; vendored files carry their version in their folder's name."""

from __future__ import annotations

import hashlib
import re

from outreach.paths import STATIC


def digest(filename: str) -> str:
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


def test_pages_link_our_css_and_js_by_their_digest(client):
    html = client.get("/").get_data(as_text=True)
    assert f'href="/static/css/outreach.css?v={digest("css/outreach.css")}"' in html
    assert f'src="/static/js/error-summary.js?v={digest("js/error-summary.js")}"' in html
    assert 'href="/static/vendor/pico-2.1.1/pico.min.css"' in html  # its folder names its version
    assert re.findall(r'/static/img/[^"?]+\\?v=', html) == []  # images keep their addresses


def test_the_versioned_address_serves_the_file(client):
    with client.get(f"/static/css/outreach.css?v={digest('css/outreach.css')}") as response:
        assert response.status_code == 200
        assert response.get_data() == (STATIC / "css" / "outreach.css").read_bytes()
