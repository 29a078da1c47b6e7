"""plantao-svc: on-duty scales (plantão) and the court calendar, which it owns — composition root.

Cold start: the routes are registered from ``chalicelib/plantao/route_table.json`` (``courtlib.route_table``);
their handlers, schemas and use cases, and the dependencies (``deps``, ``courtlib.bootstrap.bootstrap_later``), are
imported on the first request or event that needs them, not here.
"""

from pathlib import Path

from chalice import Chalice, CognitoUserPoolAuthorizer
from chalicelib.plantao import consumers
from chalicelib.plantao.settings import get_settings

from courtlib.bootstrap import bootstrap_later
from courtlib.messaging.blueprint import lambda_handlers
from courtlib.route_table import TABLE_FILE, ServiceRoutes, register_routes

settings = get_settings()
deps = bootstrap_later("chalicelib.plantao.deps:PlantaoDeps", settings)
http_routes = ServiceRoutes(settings, api="chalicelib.plantao.api")
app = Chalice(app_name="plantao")
app.api.binary_types.append("application/pdf")  # the portaria PDF is served as bytes
authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=[settings.user_pool_arn])
register_routes(app, table=Path(__file__).parent / "chalicelib" / "plantao" / TABLE_FILE, routes=http_routes,
                deps=deps, authorizer=authorizer)
app.register_blueprint(consumers.blueprint(deps))
globals().update(lambda_handlers(app))  # Lambda finds each event handler as app.<name>
