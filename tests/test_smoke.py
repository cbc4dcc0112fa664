def test_programme_page_renders(client, make_event):
    event = make_event(title="星海讲坛 第15期")
    response = client.get("/")
    assert response.status_code == 200
    assert "星海讲坛 第15期" in response.get_data(as_text=True)


def test_the_favicon_answers_at_the_root_and_every_page_links_it(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an .ico file's header
    with client.get("/favicon.svg") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
    for path in ("/", "/login", "/volunteer"):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in html
        assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in html
