"""Encryption at rest for connector secrets, keyed from ``JIXIAO_SECRET_KEY``."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        # A dedicated key, derived so that the JWT signing key is never used directly.
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=b"jixiao-connector-secrets", info=b"v1"
        ).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, values: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(values).encode()).decode() if values else ""

    def open(self, token: str) -> dict[str, Any]:
        if not token:
            return {}
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            message = "connector secrets cannot be decrypted; was JIXIAO_SECRET_KEY changed?"
            raise ValueError(message) from exc
