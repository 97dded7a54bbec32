"""Every error under /api/ answers in the API's one JSON shape with a 4xx, never an HTML page."""


def assert_api_error(response, status: int, code: str) -> dict:
    """The response is the JSON error shape with this status and code; returns the error object."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], dict)
    return error


def test_an_unknown_api_url_is_a_json_404(client):
    assert_api_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_a_page_outside_the_api_still_gets_the_html_error_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_api_rate_limit_answers_429_with_retry_after(app, client):
    app.config["QA_API_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [client.get("/api/v1/").status_code for _ in range(2)]
        response = client.get("/api/v1/")
    finally:
        app.config["QA_API_RATE_LIMIT"] = "600 per minute"
    assert statuses == [200, 200]
    error = assert_api_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    assert error["message"]


def test_an_unknown_query_parameter_is_refused_by_name(client):
    error = assert_api_error(client.get("/api/v1/?outcom=positive"), 400, "unknown_parameter")
    assert error["details"]["parameters"] == ["outcom"]


def test_a_write_method_is_a_json_405(client):
    assert_api_error(client.post("/api/v1/"), 405, "method_not_allowed")


def test_the_index_has_an_etag_and_answers_304_when_unchanged(client):
    first = client.get("/api/v1/")
    assert first.headers["ETag"]
    again = client.get("/api/v1/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
