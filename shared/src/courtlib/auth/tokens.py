"""What a bearer-token verifier tells the pipeline besides "refused": that a genuine token has expired.

A verifier (``build_blueprint(token_verifier=...)``, the local stack's) raises :class:`TokenExpired` only
after the token's signature, issuer and audience were checked: an expired session then reads "Sessão
expirada" while a forged or malformed token, expired or not, keeps the one generic refusal.
"""

from __future__ import annotations


class TokenExpired(Exception):
    """The token is the pool's own (signature checked) but past its ``exp``."""
