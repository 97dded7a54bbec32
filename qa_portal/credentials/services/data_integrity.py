"""W3C Data Integrity proofs with the eddsa-jcs-2022 cryptosuite (VC Data Integrity EdDSA Cryptosuites v1.0 §3.3):
JCS (RFC 8785) canonical JSON, SHA-256 of the proof configuration then of the document, Ed25519, the proof value in
multibase base58btc; and did:key Ed25519 identifiers. eddsa-rdfc-2022 and Ed25519Signature2020 need RDF dataset
canonicalisation of the JSON-LD, which this portal does not do: they are reported as not verified."""
import copy
import hashlib
from datetime import datetime, timezone

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["SUPPORTED_CRYPTOSUITE", "ProofError", "add_jcs_proof", "verify_jcs_proof", "did_key_of",
           "key_of_did_key", "multibase_public_key", "proof_kind"]

SUPPORTED_CRYPTOSUITE = "eddsa-jcs-2022"
ED25519_MULTICODEC = b"\xed\x01"


class ProofError(ValueError):
    """The proof is malformed, of a kind not supported, or does not verify."""


def multibase_public_key(public_key: Ed25519PublicKey) -> str:
    """The Multikey form of an Ed25519 public key: z + base58btc(0xed01 + 32 bytes)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")


def did_key_of(public_key: Ed25519PublicKey) -> str:
    """did:key of an Ed25519 public key."""
    return f"did:key:{multibase_public_key(public_key)}"


def key_of_did_key(did: str) -> Ed25519PublicKey:
    """The Ed25519 public key a did:key (or a did:key URL with a fragment) encodes; ProofError otherwise."""
    identifier = did.split("#", 1)[0]
    if not identifier.startswith("did:key:z"):
        raise ProofError("not a did:key in base58btc")
    try:
        decoded = base58.b58decode(identifier.removeprefix("did:key:z"))
    except ValueError as error:
        raise ProofError("the did:key is not valid base58btc") from error
    if not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != 34:
        raise ProofError("the did:key is not an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def _hash_data(document: dict, proof_options: dict) -> bytes:
    """SHA-256(JCS(proof configuration)) followed by SHA-256(JCS(document))."""
    try:
        return (hashlib.sha256(rfc8785.dumps(proof_options)).digest()
                + hashlib.sha256(rfc8785.dumps(document)).digest())
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise ProofError(f"the credential cannot be canonicalised (JCS): {error}") from error


def add_jcs_proof(document: dict, private_key: Ed25519PrivateKey, verification_method: str,
                  created: datetime | None = None, proof_purpose: str = "assertionMethod") -> dict:
    """A copy of the document with an eddsa-jcs-2022 DataIntegrityProof (used by the demo and the tests)."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    created = (created or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    proof = {"type": "DataIntegrityProof", "cryptosuite": SUPPORTED_CRYPTOSUITE, "created": created,
             "verificationMethod": verification_method, "proofPurpose": proof_purpose}
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = private_key.sign(_hash_data(unsecured, proof))
    return {**copy.deepcopy(unsecured), "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}


def _single_proof(document: dict) -> dict:
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("the credential carries several proofs; only one proof at a time is verified")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the proof is not a JSON object")
    return proof


def proof_kind(document: dict) -> str:
    """The proof's type and cryptosuite as written ("DataIntegrityProof/eddsa-rdfc-2022", "Ed25519Signature2020")."""
    proof = _single_proof(document)
    kind = str(proof.get("type", "?"))
    return f"{kind}/{proof['cryptosuite']}" if proof.get("cryptosuite") else kind


def verify_jcs_proof(document: dict, public_key: Ed25519PublicKey) -> dict:
    """Verify the document's eddsa-jcs-2022 proof with the key; the proof on success, ProofError otherwise."""
    proof = _single_proof(document)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != SUPPORTED_CRYPTOSUITE:
        raise ProofError(f"proof type {proof_kind(document)} is not supported (only DataIntegrityProof with "
                         f"{SUPPORTED_CRYPTOSUITE})")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("the proofValue is not multibase base58btc")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as error:
        raise ProofError("the proofValue is not valid base58btc") from error
    options = {name: item for name, item in proof.items() if name != "proofValue"}
    unsecured = {name: item for name, item in document.items() if name != "proof"}
    if "@context" in options:
        contexts = unsecured.get("@context")
        expected = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        actual = contexts if isinstance(contexts, list) else [contexts]
        if actual[:len(expected)] != expected:
            raise ProofError("the proof's @context does not match the credential's")
        unsecured["@context"] = options["@context"]
    try:
        public_key.verify(signature, _hash_data(unsecured, options))
    except InvalidSignature as error:
        raise ProofError("the signature does not match: the credential was altered or signed with another key") \
            from error
    return proof
