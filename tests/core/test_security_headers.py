"""Every response denies the browser features the portal never uses and keeps other windows at arm's length."""
from qa_portal.core.security import DENIED_FEATURES


def test_permissions_policy_and_opener_policy_on_every_response(client):
    """Pages, API answers, files and error pages carry Permissions-Policy and Cross-Origin-Opener-Policy."""
    for url in ("/", "/login", "/api/v1/decisions", "/static/css/app.css", "/does-not-exist"):
        response = client.get(url)
        policy = response.headers["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (url, feature)
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_permissions_policy_names_each_feature_once_with_an_empty_allow_list():
    """Each denied feature appears once, with `()` — allowed to no origin, not even our own."""
    assert len(set(DENIED_FEATURES)) == len(DENIED_FEATURES)
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(DENIED_FEATURES)
