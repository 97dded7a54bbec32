"""Security headers on every response."""
from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# Powerful browser features the portal never uses, denied to it and to anything it could ever embed.
DENIED_FEATURES = (
    "accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


def register_security_headers(app: Flask) -> None:
    """Add CSP, nosniff, frame denial, referrer, permissions and opener policies (and HSTS in production)."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        # A page opened from another site (a link in a phishing e-mail) gets no handle on our window, and ours none
        # on it: cross-window attacks (tabnabbing, XS-Leaks through window references) have nothing to hold.
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("QA_HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
