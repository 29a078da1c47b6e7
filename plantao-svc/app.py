"""plantao-svc: on-duty scales (plantão) and the court calendar, which it owns — composition root."""

from chalice import Chalice, CognitoUserPoolAuthorizer
from chalicelib.plantao import api, consumers
from chalicelib.plantao.deps import PlantaoDeps
from chalicelib.plantao.settings import get_settings

from courtlib.bootstrap import bootstrap
from courtlib.service import http_blueprints, lambda_handlers

deps = bootstrap(PlantaoDeps, get_settings())
app = Chalice(app_name="plantao")
app.api.binary_types.append("application/pdf")  # the portaria PDF is served as bytes
authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=[deps.settings.user_pool_arn])
for blueprint in http_blueprints(deps, api.ROUTE_SETS, authorizer, title=api.TITLE):
    app.register_blueprint(blueprint)
app.register_blueprint(consumers.blueprint(deps))
globals().update(lambda_handlers(app))  # Lambda finds each event handler as app.<name>
