"""Who is calling: the principal and its roles (Cognito groups), and partner courts' signed requests."""

from courtlib.auth.principal import ANONYMOUS, ROLES, Principal, parse_groups
from courtlib.auth.tokens import TokenExpired

__all__ = ["ANONYMOUS", "ROLES", "Principal", "TokenExpired", "parse_groups"]
