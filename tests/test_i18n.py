"""Both languages: a complete zh_Hans catalogue, extraction that sees code and templates,
and the locale chosen as the contract says."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import outreach.paths

ROOT = outreach.paths.ROOT
CATALOGUE = ROOT / "outreach" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages pybabel extracts today with the project's babel.cfg, as ``make extract-messages``
    does: Babel skips folders named ``_*`` unless ``--ignore-dirs`` is given, which would lose
    ``templates/_partials``."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-k", "lazy_pgettext:1c,2", "--ignore-dirs=.*", "-o", str(pot), "."],
        check=True, cwd=ROOT,
    )
    with open(pot, "rb") as fh:
        return read_po(fh)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_babel_cfg_extracts_templates_and_code(extracted):
    sources = {Path(path).parts[0] for m in extracted for path, _line in m.locations}
    assert "templates" in sources
    assert "outreach" in sources
    ids = _ids(extracted)
    assert "Skip to main content" in ids  # templates/base.html
    assert "open daily %(opens)s–%(closes)s" in ids  # templates/_partials/_event_when.html
    assert "Give a title of 1 to %(n)d characters." in ids  # outreach/events/services.py (lazy)
    # outreach/competitions/services.py (lazy plural)
    assert "%(num)d contestant advances but the sitting has only %(free)d places left." in ids
    # The Makefile extracts with the same keywords.
    assert "-k lazy_ngettext:1,2" in (ROOT / "Makefile").read_text()


def test_every_message_has_its_chinese_translation(extracted):
    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh, locale="zh_Hans")
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else (message.string[0] if message.string else "")
        if string and "fuzzy" not in message.flags:
            translated[key] = string
    missing = sorted(_ids(extracted) - set(translated))
    assert missing == [], f"untranslated in zh_Hans (run make update-translations): {missing}"


def test_placeholders_survive_translation():
    import re

    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh, locale="zh_Hans")
    for message in catalogue:
        if not message.id:
            continue
        # Chinese has one form for every number, so it carries the plural's placeholders too
        # ("Your %(num)d places go to ..." has a number the singular leaves out).
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(re.findall(r"%\(\w+\)[sd]", source)) == set(re.findall(r"%\(\w+\)[sd]", target)), source


def page_lang(response) -> str:
    import re

    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_default_locale_is_chinese(client):
    response = client.get("/")
    assert page_lang(response) == "zh-Hans"
    assert "近期活动" in response.get_data(as_text=True)


def test_query_parameter_wins_and_is_remembered(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    assert page_lang(response) == "en"
    assert "What's on" in response.get_data(as_text=True)
    assert page_lang(client.get("/", headers={"Accept-Language": "zh-CN"})) == "en"
    assert page_lang(client.get("/?lang=zh_Hans")) == "zh-Hans"


def test_accept_language_decides_without_a_choice(client):
    assert page_lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert page_lang(client.get("/", headers={"Accept-Language": "fr-FR,zh-TW;q=0.5"})) == "zh-Hans"
    assert page_lang(client.get("/", headers={"Accept-Language": "fr-FR"})) == "zh-Hans"


def test_default_locale_setting(make_app):
    app = make_app(DEFAULT_LOCALE="en")
    assert page_lang(app.test_client().get("/", headers={"Accept-Language": "fr"})) == "en"


def test_signed_in_users_choice_beats_accept_language(client, make_user, login):
    user = make_user("staff", locale="en")
    login(user)
    response = client.get("/staff/", headers={"Accept-Language": "zh-CN"})
    assert page_lang(response) == "en"


def test_language_switch_links_keep_the_page(client):
    html = client.get("/?type=lecture").get_data(as_text=True)
    assert 'href="/?type=lecture&amp;lang=en"' in html
    assert 'hreflang="en"' in html


def test_dates_follow_the_locale_and_time_zone(client, make_event):
    # 01:30 UTC is 09:30 in Shanghai.
    event = make_event(
        starts_at=datetime(2030, 12, 7, 1, 30, tzinfo=timezone.utc),
        ends_at=datetime(2030, 12, 7, 3, 0, tzinfo=timezone.utc),
    )
    zh = client.get(f"/events/{event.id}?lang=zh_Hans").get_data(as_text=True)
    en = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "2030年12月7日星期六" in zh and "09:30" in zh
    assert "Saturday, December 7, 2030" in en and "9:30\u202fAM" in en


def test_api_messages_follow_accept_language_but_do_not_touch_the_session(client):
    response = client.get("/api/v1/events/9999", headers={"Accept-Language": "en"})
    assert response.get_json()["error"]["message"] == "The page or record you asked for does not exist."
    assert "Set-Cookie" not in response.headers
