"""Cover images: staff upload a picture for an event or a series; Pillow checks it, drops its
metadata, turns it upright and resizes it; the programme's cards, the event page, its Open
Graph tags and the API show the event's own, else its series', else its type's drawing."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from outreach.events import covers, services
from outreach.events.models import Event
from outreach.extensions import db
from outreach.places.models import Series
from tests.helpers import assert_valid_html, count_statements, csrf_token_from, field_error, in_days

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_with_exif(width=1600, height=800, *, orientation=6) -> bytes:
    """A PNG whose EXIF says where it was taken (GPS) and that the camera was turned (6: the
    picture must be turned 90° clockwise to stand upright)."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, width // 2, height))  # left half blue, to see the turn
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (27.0, 39.0, 30.0), "E", (113.0, 29.0, 50.0)
    out = BytesIO()
    image.save(out, "PNG", exif=exif.tobytes())
    return out.getvalue()


def jpeg(width=800, height=450) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (30, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def cover_files() -> set[str]:
    return {p.name for p in covers.folder().iterdir()}


def upload(client, path, *, data: bytes | None, alt="孩子们在图书馆里画灯笼", filename="photo.png"):
    """Post the cover form as a browser does (multipart/form-data), encoded in memory: the test
    client would spool a large body to a temporary file that it never closes."""
    form = {"csrf_token": csrf_token_from(client, path), "alt": alt}
    if data is not None:
        form["image"] = FileStorage(BytesIO(data), filename=filename)
    boundary, body = encode_multipart(form)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff")
    login(user)
    return user


# --- Pillow ------------------------------------------------------------------------------------


def test_the_png_is_turned_upright_resized_and_stripped_of_its_metadata(app):
    original = png_with_exif(2400, 1200)
    with Image.open(BytesIO(original)) as check:  # the sample does carry what must go
        assert check.getexif().get_ifd(GPS_IFD)[2] == (27.0, 39.0, 30.0)
    files = covers.process(original)
    assert sorted(files) == [480, 960]
    for width, content in files.items():
        with Image.open(BytesIO(content)) as image:
            assert image.format == "WEBP"
            # 2400×1200 turned a quarter: 1200×2400, then 480 and 960 wide.
            assert image.size == (width, width * 2)
            assert dict(image.getexif()) == {}
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)
            # Turned clockwise: the blue left half is now the top half.
            assert image.convert("RGB").getpixel((width // 2, 10))[2] > 150
            assert image.convert("RGB").getpixel((width // 2, width * 2 - 10))[0] > 150
        assert b"Exif" not in content and b"PhoneMaker" not in content


def test_a_small_picture_is_not_enlarged(app):
    files = covers.process(jpeg(300, 200))
    for content in files.values():
        with Image.open(BytesIO(content)) as image:
            assert image.size == (300, 200)


# --- the staff page ----------------------------------------------------------------------------


def test_staff_upload_a_cover_and_the_programme_serves_it_cached(client, staff, make_event):
    event = make_event(title="灯笼制作")
    path = f"/staff/events/{event.id}/cover"
    page = client.get(path + "?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    response = upload(client, path, data=png_with_exif())
    assert response.status_code == 303 and response.headers["Location"].endswith(path)
    db.session.refresh(event)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", event.cover_key)
    assert event.cover_alt == "孩子们在图书馆里画灯笼"
    assert {f"{event.cover_key}-480.webp", f"{event.cover_key}-960.webp"} <= cover_files()

    served = client.get(f"/covers/{event.cover_key}-480.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(BytesIO(served.data)) as image:
        assert image.width == 480
    served.close()
    assert client.get(f"/covers/{event.cover_key}-720.webp").status_code == 404
    assert client.get("/covers/not-a-key-480.webp").status_code == 404
    assert client.get("/covers/..%2Fsecret_key-480.webp").status_code == 404

    html = client.get("/?lang=en").get_data(as_text=True)
    assert f'src="/covers/{event.cover_key}-480.webp"' in html
    assert f'srcset="/covers/{event.cover_key}-480.webp 480w, /covers/{event.cover_key}-960.webp 960w"' in html
    assert 'alt="孩子们在图书馆里画灯笼"' in html


def test_a_new_picture_replaces_the_old_files_and_the_description_alone_can_change(client, staff, make_event):
    event = make_event()
    path = f"/staff/events/{event.id}/cover"
    upload(client, path, data=jpeg())
    db.session.refresh(event)
    first = event.cover_key
    assert upload(client, path, data=None, alt="读者在报告厅听讲座").status_code == 303
    db.session.refresh(event)
    assert (event.cover_key, event.cover_alt) == (first, "读者在报告厅听讲座")
    upload(client, path, data=png_with_exif())
    db.session.refresh(event)
    assert event.cover_key != first
    assert not {f"{first}-480.webp", f"{first}-960.webp"} & cover_files()


def test_staff_remove_a_cover(client, staff, make_event):
    event = make_event()
    path = f"/staff/events/{event.id}/cover"
    upload(client, path, data=jpeg())
    db.session.refresh(event)
    key = event.cover_key
    token = csrf_token_from(client, path)
    response = client.post(path + "/remove?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(event)
    assert (event.cover_key, event.cover_alt) == (None, None)
    assert not {f"{key}-480.webp", f"{key}-960.webp"} & cover_files()
    assert "The cover image is removed." in client.get(path + "?lang=en").get_data(as_text=True)
    assert client.post(path + "/remove").status_code == 400  # no CSRF token


@pytest.mark.parametrize(("content", "filename"), [
    (b"%PDF-1.4\n1 0 obj <<>> endobj\n", "poster.pdf"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
     b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "animation.gif"),
    (jpeg()[:200], "cut-short.jpg"),
])
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_refused_beside_the_field(client, staff, make_event, content, filename):
    event = make_event()
    before = cover_files()
    response = upload(client, f"/staff/events/{event.id}/cover?lang=en", data=content, filename=filename)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "image") == (
        "This file is not a picture: choose a JPEG, PNG or WebP image."
    )
    db.session.refresh(event)
    assert event.cover_key is None and cover_files() == before


def test_the_refusal_is_translated(client, staff, make_event):
    event = make_event()
    response = upload(client, f"/staff/events/{event.id}/cover?lang=zh_Hans", data=b"not a picture", filename="a.txt")
    assert field_error(response.get_data(as_text=True), "image") == "这个文件不是图片：请选择 JPEG、PNG 或 WebP 格式的图片。"


def test_too_large_a_file_or_too_many_pixels_is_refused_beside_the_field(client, staff, make_event):
    event = make_event()
    path = f"/staff/events/{event.id}/cover?lang=en"
    big = jpeg() + b"\0" * (covers.MAX_BYTES + 1)  # 8 MB and a bit: more than the site's 2 MB too
    response = upload(client, path, data=big, filename="big.jpg")
    assert response.status_code == 422
    message = "This picture is too large: choose one under 8 MB and 40 megapixels."
    assert field_error(response.get_data(as_text=True), "image") == message
    huge = BytesIO()
    Image.new("1", (8000, 6000)).save(huge, "PNG")  # 48 megapixels in a few kilobytes
    response = upload(client, path, data=huge.getvalue(), filename="huge.png")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "image") == message
    db.session.refresh(event)
    assert event.cover_key is None


def test_the_description_is_required_with_a_picture(client, staff, make_event):
    event = make_event()
    before = cover_files()
    response = upload(client, f"/staff/events/{event.id}/cover?lang=en", data=jpeg(), alt="  ")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "alt").startswith("Describe the picture for people who cannot see it")
    db.session.refresh(event)
    assert event.cover_key is None and cover_files() == before
    # Nothing to upload and none kept: the picture is asked for.
    response = upload(client, f"/staff/events/{event.id}/cover?lang=en", data=None)
    assert field_error(response.get_data(as_text=True), "image") == "Choose a picture to upload."


def test_only_staff_may_upload(client, make_user, login, make_event):
    event = make_event()
    series = Series(name="星海讲坛")
    db.session.add(series)
    db.session.commit()
    paths = (f"/staff/events/{event.id}/cover", f"/staff/series/{series.id}/cover")
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("volunteer"))
    token = csrf_token_from(client, "/volunteer/me")
    for path in paths:
        assert client.get(path).status_code == 403
        form = {"csrf_token": token, "alt": "x", "image": (BytesIO(jpeg()), "a.jpg")}
        assert client.post(path, data=form, content_type="multipart/form-data").status_code == 403
        assert client.post(path + "/remove", data={"csrf_token": token}).status_code == 403
    db.session.refresh(event)
    db.session.refresh(series)
    assert event.cover_key is None and series.cover_key is None


def test_a_series_cover_is_uploaded_on_its_page(client, staff, make_event):
    series = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(series)
    db.session.commit()
    assert "Cover image" in client.get(f"/staff/series/{series.id}?lang=en").get_data(as_text=True)
    page = client.get(f"/staff/series/{series.id}/cover?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    assert upload(client, f"/staff/series/{series.id}/cover", data=jpeg(), alt="星海讲坛的讲台").status_code == 303
    db.session.refresh(series)
    assert series.cover_key and series.cover_alt == "星海讲坛的讲台"


# --- which picture ---------------------------------------------------------------------------


def test_an_event_shows_its_own_else_its_series_else_its_types_drawing(client, make_event):
    series = Series(name="星海讲坛")
    db.session.add(series)
    db.session.flush()
    services.set_cover(series, data=jpeg(), alt="星海讲坛的讲台")
    own = make_event(title="自己的图", series=series, session_number=1)
    services.set_cover(own, data=jpeg(), alt="讲座现场")
    from_series = make_event(title="系列的图", series=series, session_number=2)
    drawings = {kind: make_event(title=f"默认 {kind}", type=kind) for kind in ("exhibition", "class")}
    db.session.commit()

    assert covers.cover_for(own).source == "event" and covers.cover_for(own).alt == "讲座现场"
    assert covers.cover_for(from_series).source == "series"
    assert covers.cover_for(from_series).url == f"/covers/{series.cover_key}-480.webp"
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'src="/static/img/covers/exhibition.svg" alt="Drawing: framed pictures on a wall"' in html
    assert 'src="/static/img/covers/class.svg" alt="Drawing: an open book"' in html
    html = client.get("/?lang=zh_Hans").get_data(as_text=True)
    assert 'alt="插图：一本打开的书"' in html
    for kind in covers.DEFAULT_ALTS:  # simple drawings: no text, fonts or outside files
        drawing = Path(client.application.static_folder) / "img" / "covers" / f"{kind}.svg"
        text = drawing.read_text()
        assert text.startswith("<svg") and "<text" not in text and "http://" not in text.replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )
        with Image.open(drawing.with_suffix(".png")) as twin:
            assert twin.size == (960, 540)
    assert drawings


def test_the_api_gives_the_picture_and_its_description(client, make_event):
    event = make_event(type="visit")
    body = client.get(f"/api/v1/events/{event.id}?lang=en").get_json()
    assert body["image"] == {
        "url": "http://outreach.test/static/img/covers/visit.svg",
        "sizes": [{"width": 960, "url": "http://outreach.test/static/img/covers/visit.svg"}],
        "alt": "Drawing: a signpost on a path", "source": "default",
    }
    services.set_cover(event, data=jpeg(), alt="参观醴陵瓷谷")
    db.session.commit()
    body = client.get(f"/api/v1/events/{event.id}").get_json()
    base = f"http://outreach.test/covers/{event.cover_key}"
    assert body["image"] == {
        "url": f"{base}-960.webp",
        "sizes": [{"width": 480, "url": f"{base}-480.webp"}, {"width": 960, "url": f"{base}-960.webp"}],
        "alt": "参观醴陵瓷谷", "source": "event",
    }


# --- Open Graph ------------------------------------------------------------------------------


def meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    assert match, prop
    return match.group(1)


def test_the_event_page_carries_open_graph_tags_escaped(client, make_event, make_venue):
    venue = make_venue(name="报告厅", name_en="Lecture hall")
    event = make_event(title='讲座 "书" <与> 人 & 城', title_en='Books "&" <people>', venue=venue,
                       starts_at=in_days(3, hour=6))  # 14:00 in the library's time
    response = client.get(f"/events/{event.id}?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert meta(html, "og:title") == "Books &#34;&amp;&#34; &lt;people&gt;"
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url") == f"http://outreach.test/events/{event.id}?lang=en"
    # A drawing is shared as its PNG twin: chat apps show no SVG.
    assert meta(html, "og:image") == "http://outreach.test/static/img/covers/lecture.png"
    description = meta(html, "og:description")
    assert "2:00" in description and "4:00" in description and "Lecture hall" in description
    assert str(in_days(3).day) in description
    assert "<people>" not in html.split("</head>")[0]
    services.set_cover(event, data=jpeg(), alt='A "poster"')
    db.session.commit()
    html = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert meta(html, "og:image") == f"http://outreach.test/covers/{event.cover_key}-960.webp"
    assert meta(html, "og:image:alt") == "A &#34;poster&#34;"


def test_the_programme_carries_open_graph_tags(client, make_event):
    event = make_event(type="competition")
    html = client.get("/?lang=zh_Hans&type=competition").get_data(as_text=True)
    assert meta(html, "og:url") == "http://outreach.test/?type=competition&amp;lang=zh_Hans"
    assert meta(html, "og:image") == "http://outreach.test/static/img/covers/competition.png"
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:title").startswith("近期活动")
    assert event


# --- paging and queries -----------------------------------------------------------------------


def test_page_two_keeps_the_filters(client, make_event, make_venue, make_branch):
    branch = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    room = make_venue(branch=branch)
    for n in range(14):
        make_event(title=f"三点半课堂 {n:02d}", type="class", venue=room, starts_at=in_days(1 + n))
    make_event(title="别的分馆的讲座", starts_at=in_days(2))
    html = client.get(f"/?lang=en&branch={branch.id}").get_data(as_text=True)
    assert "别的分馆的讲座" not in html and "三点半课堂 11" in html and "三点半课堂 12" not in html
    assert f'href="/?lang=en&amp;branch={branch.id}&amp;page=2" rel="next"' in html
    assert f'href="/?lang=en&amp;branch={branch.id}&amp;page=2" aria-label="Page 2"' in html
    assert "Filter: <strong>Xinghai Mingzhu Branch</strong>" in html
    second = client.get(f"/?lang=en&branch={branch.id}&page=2").get_data(as_text=True)
    assert "三点半课堂 12" in second and "三点半课堂 13" in second
    assert "三点半课堂 11" not in second and "别的分馆的讲座" not in second
    assert f'href="/?lang=en&amp;branch={branch.id}&amp;page=1" rel="prev"' in second
    assert 'aria-current="page" aria-label="Page 2 of 2"' in second


def count_queries(client, path) -> int:
    with count_statements() as statements:
        assert client.get(path).status_code == 200
    return statements.n


def test_a_page_costs_the_same_queries_with_5_or_50_events(client, make_event, make_venue, make_branch):
    def add(count):
        for n in range(count):
            series = Series(name=f"系列 {n} {count}")
            db.session.add(series)
            db.session.flush()
            if n % 2:
                services.set_cover(series, data=jpeg(40, 30), alt="图")
            make_event(venue=make_venue(), series=series, session_number=1, starts_at=in_days(1 + n / 10))

    add(5)
    few = count_queries(client, "/?lang=en")
    db.session.query(Event).delete()
    db.session.commit()
    add(50)
    many = count_queries(client, "/?lang=en")
    assert few == many


def test_the_series_page_shows_its_picture_and_carries_open_graph_tags(client):
    series = Series(name="星海讲坛", name_en="Xinghai Forum", description_en="Talks on the town's history & crafts.")
    db.session.add(series)
    db.session.commit()
    response = client.get(f"/series/{series.id}?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert meta(html, "og:title") == "Xinghai Forum"
    assert meta(html, "og:description") == "Talks on the town&#39;s history &amp; crafts."
    assert meta(html, "og:image") == "http://outreach.test/static/img/covers/lecture.png"
    assert 'class="event-detail-cover"' not in html
    services.set_cover(series, data=jpeg(), alt="星海讲坛的讲台")
    db.session.commit()
    html = client.get(f"/series/{series.id}?lang=en").get_data(as_text=True)
    assert meta(html, "og:image") == f"http://outreach.test/covers/{series.cover_key}-960.webp"
    assert f'src="/covers/{series.cover_key}-960.webp"' in html and 'alt="星海讲坛的讲台"' in html


# --- the API ------------------------------------------------------------------------------------


def put_cover(client, path, headers, *, data: bytes | None, alt: str | None = "孩子们在图书馆里画灯笼"):
    form = {} if alt is None else {"alt": alt}
    if data is not None:
        form["image"] = FileStorage(BytesIO(data), filename="photo.jpg")
    boundary, body = encode_multipart(form)
    return client.put(path, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers)


def test_staff_upload_replace_describe_and_remove_a_cover_through_the_api(client, make_event, make_user, api_token):
    headers = api_token(make_user("staff"))
    event = make_event(type="lecture")
    path = f"/api/v1/events/{event.id}/cover"
    response = put_cover(client, path, headers, data=jpeg(1200, 675))
    assert response.status_code == 200
    image = response.get_json()["image"]
    assert image["source"] == "event" and image["alt"] == "孩子们在图书馆里画灯笼"
    assert [size["width"] for size in image["sizes"]] == [480, 960]
    assert client.get(f"/api/v1/events/{event.id}").get_json()["image"] == image
    # The description alone changes; the picture stays.
    described = put_cover(client, path, headers, data=None, alt="讲座现场").get_json()["image"]
    assert described["alt"] == "讲座现场" and described["url"] == image["url"]
    response = client.delete(path, headers=headers)
    assert response.status_code == 200 and response.get_json()["image"]["source"] == "default"
    db.session.refresh(event)
    assert event.cover_key is None


def test_the_api_refuses_a_bad_cover_with_the_field_named(client, make_event, make_user, api_token):
    headers = api_token(make_user("staff"))
    event = make_event()
    path = f"/api/v1/events/{event.id}/cover"
    refused = put_cover(client, path, headers, data=b"%PDF-1.4 not a picture")
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"image"}
    no_alt = put_cover(client, path, headers, data=jpeg(), alt="")
    assert no_alt.status_code == 422 and set(no_alt.get_json()["error"]["fields"]) == {"alt"}
    big = put_cover(client, path, headers, data=jpeg() + b"\0" * (covers.MAX_BYTES + 1))
    assert big.status_code == 422 and set(big.get_json()["error"]["fields"]) == {"image"}
    assert client.put(path, json={"alt": "x"}, headers=headers).status_code == 415
    db.session.refresh(event)
    assert event.cover_key is None


def test_only_staff_change_covers_through_the_api(client, make_event, make_user, api_token):
    event = make_event()
    path = f"/api/v1/events/{event.id}/cover"
    assert put_cover(client, path, {}, data=jpeg()).status_code == 401
    assert put_cover(client, path, api_token(make_user("volunteer")), data=jpeg()).status_code == 403
    assert client.delete(path, headers=api_token(make_user("volunteer"))).status_code == 403


def test_a_series_cover_through_the_api_shows_on_its_sessions(client, make_event, make_user, api_token):
    headers = api_token(make_user("staff"))
    series = Series(name="星海讲坛")
    db.session.add(series)
    db.session.commit()
    event = make_event(series=series, session_number=1)
    response = put_cover(client, f"/api/v1/series/{series.id}/cover", headers, data=jpeg(), alt="星海讲坛的讲台")
    assert response.status_code == 200 and response.get_json()["image"]["source"] == "series"
    assert client.get(f"/api/v1/events/{event.id}").get_json()["image"]["alt"] == "星海讲坛的讲台"
    response = client.delete(f"/api/v1/series/{series.id}/cover", headers=headers)
    assert response.status_code == 200 and response.get_json() == {"image": None}
