def test_users():
    assert True
