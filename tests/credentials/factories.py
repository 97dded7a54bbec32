"""Helpers of the credentials tests: labels downloaded as a client would, JWKS-based decoding by another JOSE
library (joserfc) than the one that signs (PyJWT), learners' badges signed by an institution's key."""
import json
import warnings
from datetime import datetime, timezone

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from qa_portal.credentials.services.data_integrity import add_jcs_proof, did_key_of
from qa_portal.credentials.services.keys import public_jwk
from qa_portal.decisions.services.register import public_specifications
from tests.credentials.conftest import BASE_URL


def download_label(client, decision, version=None) -> str:
    """The decision's QA label (of its first public specification version unless told) as the register serves it."""
    version = version or public_specifications(decision.case)[0]
    response = client.get(f"/credentials/labels/{decision.id}/{version.id}.jwt", base_url=BASE_URL)
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


def decode_with_published_jwks(client, token: str) -> tuple[dict, dict]:
    """(header, claims) of a token verified by joserfc with the keys of /.well-known/jwks.json (raises if the
    signature does not verify). joserfc warns that RFC 9864 deprecates the name "EdDSA": expected here."""
    key_set = KeySet.import_key_set(client.get("/.well-known/jwks.json", base_url=BASE_URL).get_json())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        token_object = jose_jwt.decode(token, key_set, algorithms=["EdDSA"])
    return token_object.header, token_object.claims


def tampered(token: str, change) -> str:
    """The token with its payload changed by change(claims) and the original signature kept."""
    header, _payload, signature = token.split(".")
    claims = pyjwt.decode(token, options={"verify_signature": False})
    change(claims)
    payload = pyjwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    return f"{header}.{payload}.{signature}"


def learner_badge(achievement: dict, *, issuer: str, key: Ed25519PrivateKey, valid_from: datetime | None = None,
                  issuer_name: str = "Demo University A") -> dict:
    """An unsigned Open Badges 3.0 OpenBadgeCredential for a learner."""
    moment = (valid_from or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:7f2a7c6e-1b1e-4c7e-9a57-3b8a1f1c0d01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": issuer_name},
        "validFrom": moment,
        "name": achievement.get("name", "Badge"),
        "credentialSubject": {"type": ["AchievementSubject"], "identifier": [{"type": "IdentityObject",
                              "identityHash": "learner@example.am", "identityType": "emailAddress",
                              "hashed": False}],
                              "achievement": {"type": ["Achievement"], "criteria": {"narrative": "Passed."},
                                              "description": "A micro-credential.", **achievement}},
    }


def signed_badge_jwt(badge: dict, key: Ed25519PrivateKey, kid: str = "key-1") -> str:
    """The badge as an EdDSA VC-JWT."""
    return pyjwt.encode({**badge, "iss": badge["issuer"]["id"], "jti": badge["id"]}, key, algorithm="EdDSA",
                        headers={"kid": kid, "typ": "vc+jwt"})


def signed_badge_json(badge: dict, key: Ed25519PrivateKey, issuer: str) -> dict:
    """The badge with an embedded eddsa-jcs-2022 Data Integrity proof."""
    return add_jcs_proof(badge, key, f"{issuer}#key-1")


def new_issuer_key() -> tuple[Ed25519PrivateKey, dict, str]:
    """A fresh institution key: (private key, public JWK, its did:key)."""
    private = Ed25519PrivateKey.generate()
    return private, public_jwk(private.public_key()), did_key_of(private.public_key())
