"""HTTP routes of cooperacao-svc (thin handlers: validation and roles come from courtlib.http)."""

from courtlib.http import RouteSet
from courtlib.calendar_api import calendar_read_routes

TITLE = "cooperacao-svc — Cooperação de servidores e cooperação judiciária"
ROUTE_SETS: list[RouteSet] = [calendar_read_routes]
