def test_programme_page_renders(client, make_event):
    event = make_event(title="星海讲坛 第15期")
    response = client.get("/")
    assert response.status_code == 200
    assert "星海讲坛 第15期" in response.get_data(as_text=True)
