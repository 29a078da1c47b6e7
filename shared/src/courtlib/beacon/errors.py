"""The beacon's errors (messages in Portuguese)."""

from __future__ import annotations


class BeaconError(ValueError):
    """A chain or round that is malformed, or a parameter out of range."""


class BeaconUnavailable(RuntimeError):
    """No relay gave a verified round in time (not published yet, relays down, or forged answers)."""


class NotYetPublished(BeaconUnavailable):
    """The round asked for is in the future."""


class BlsUnavailable(ImportError):
    """The BLS library (``py-arkworks-bls12381``) is not installed: signatures cannot be checked."""
