"""HTTP routes of plantao-svc (thin handlers: validation and roles come from courtlib.http)."""

from courtlib.http import RouteSet
from courtlib.calendar_api import calendar_admin_routes, calendar_read_routes

TITLE = "plantao-svc — Plantão judiciário e calendário do tribunal"
ROUTE_SETS: list[RouteSet] = [calendar_admin_routes, calendar_read_routes]
