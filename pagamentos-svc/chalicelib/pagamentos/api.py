"""HTTP routes of pagamentos-svc (thin handlers: validation and roles come from courtlib.http)."""

from courtlib.http import RouteSet
from courtlib.calendar_api import calendar_read_routes

TITLE = "pagamentos-svc — Memorandos de pagamento"
ROUTE_SETS: list[RouteSet] = [calendar_read_routes]
