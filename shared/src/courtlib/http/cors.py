"""The CORS every route gets (the web consoles call the services from another origin)."""

from __future__ import annotations

from chalice.app import CORSConfig

CORS_ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id",
                      "X-Parceiro-Id", "X-Parceiro-Data", "X-Parceiro-Nonce", "X-Parceiro-Assinatura")
CORS_EXPOSE_HEADERS = ("X-Correlation-Id", "Idempotent-Replayed", "Retry-After", "Location")
CORS_MAX_AGE = 600


def cors_config(origin: str) -> CORSConfig:
    return CORSConfig(allow_origin=origin, allow_headers=list(CORS_ALLOW_HEADERS),
                      expose_headers=list(CORS_EXPOSE_HEADERS), max_age=CORS_MAX_AGE)
