"""The agency's Ed25519 signing keys as files in QA_SIGNING_KEY_DIR: one current private key (PKCS#8 PEM, mode 600)
and every public key ever used (JWK), so labels signed before a rotation still verify. The key id is the key's
RFC 7638 thumbprint."""
import base64
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

__all__ = ["SigningKeyError", "SigningKey", "key_directory", "generate_key", "rotate_key", "current_signing_key",
           "published_keys", "public_key_of", "jwk_thumbprint", "public_jwk", "key_from_jwk", "sign_jwt"]

PRIVATE_SUFFIX = ".private.pem"
PUBLIC_SUFFIX = ".public.jwk"
JWT_TYPE = "vc+jwt"  # W3C VC-JOSE-COSE: a credential secured as a JWT


class SigningKeyError(Exception):
    """The key directory is missing, unreadable, holds several current keys, or a private key is readable by others."""


@dataclass(frozen=True)
class SigningKey:
    """The current private key and its key id."""

    kid: str
    private_key: Ed25519PrivateKey


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public_key: Ed25519PublicKey) -> dict:
    """The public key as an OKP JWK (without kid)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of an OKP JWK: its required members, sorted, without spaces."""
    members = json.dumps({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(members.encode("utf-8")).digest())


def key_from_jwk(jwk: dict) -> Ed25519PublicKey:
    """An Ed25519 public key from a JWK; ValueError for any other kind of key or a malformed one."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 (OKP) public key")
    x = jwk.get("x")
    if not isinstance(x, str):
        raise ValueError("the key has no x value")
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError("the key's x value is not base64url") from error
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_directory() -> Path | None:
    """QA_SIGNING_KEY_DIR, or None when no directory is configured (the test suite's default)."""
    configured = current_app.config.get("QA_SIGNING_KEY_DIR")
    return Path(configured) if configured else None


def _write_new_key(directory: Path) -> str:
    """Create a key pair in the directory (made 700): the private PEM with mode 600 from the start, the public JWK."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_key = Ed25519PrivateKey.generate()
    jwk = public_jwk(private_key.public_key())
    kid = jwk_thumbprint(jwk)
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    descriptor = os.open(directory / f"{kid}{PRIVATE_SUFFIX}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    (directory / f"{kid}{PUBLIC_SUFFIX}").write_text(json.dumps({**jwk, "kid": kid}, sort_keys=True))
    return kid


def _private_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{PRIVATE_SUFFIX}")) if directory.is_dir() else []


def generate_key(directory: Path) -> str:
    """The first signing key; refused when the directory already has one (use rotate_key)."""
    existing = _private_files(directory)
    if existing:
        raise SigningKeyError(f"{directory} already holds a signing key ({existing[0].name}); "
                              "use `flask keys rotate` to replace it.")
    return _write_new_key(directory)


def rotate_key(directory: Path) -> tuple[str, str]:
    """A new current key; the old private key is deleted and its public key stays published. (old kid, new kid)."""
    existing = _private_files(directory)
    if len(existing) != 1:
        raise SigningKeyError(f"{directory} holds {len(existing)} signing keys; rotation needs exactly one "
                              "(`flask keys generate` creates the first).")
    old_kid = existing[0].name.removesuffix(PRIVATE_SUFFIX)
    new_kid = _write_new_key(directory)
    existing[0].unlink()
    return old_kid, new_kid


def current_signing_key() -> SigningKey | None:
    """The current private key, or None when none is configured; SigningKeyError when it is unsafe or ambiguous."""
    directory = key_directory()
    if directory is None:
        return None
    files = _private_files(directory)
    if not files:
        return None
    if len(files) > 1:
        raise SigningKeyError(f"{directory} holds {len(files)} private keys; keep only the current one.")
    mode = stat.S_IMODE(files[0].stat().st_mode)
    if mode & 0o077:
        raise SigningKeyError(f"{files[0]} is readable by others (mode {mode:o}); run `chmod 600 {files[0]}`.")
    key = serialization.load_pem_private_key(files[0].read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{files[0]} is not an Ed25519 private key.")
    return SigningKey(files[0].name.removesuffix(PRIVATE_SUFFIX), key)


def published_keys() -> list[dict]:
    """Every public key of the directory (current and retired) as a JWK with kid, alg and use, in kid order."""
    directory = key_directory()
    if directory is None or not directory.is_dir():
        return []
    keys = []
    for path in sorted(directory.glob(f"*{PUBLIC_SUFFIX}")):
        jwk = json.loads(path.read_text())
        keys.append({"kty": jwk["kty"], "crv": jwk["crv"], "x": jwk["x"], "kid": jwk["kid"], "alg": "EdDSA",
                     "use": "sig"})
    return keys


def public_key_of(kid: str) -> Ed25519PublicKey | None:
    """The published public key with this kid, or None."""
    for jwk in published_keys():
        if jwk["kid"] == kid:
            return key_from_jwk(jwk)
    return None


def sign_jwt(claims: dict, key: SigningKey) -> str:
    """A compact JWS (alg EdDSA, typ vc+jwt) of the claims, naming the key in kid."""
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": JWT_TYPE})
