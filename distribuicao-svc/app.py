"""distribuicao-svc: random, equal and verifiable distribution of cases — composition root."""

from chalice import Chalice, CognitoUserPoolAuthorizer
from chalicelib.distribuicao import api, consumers
from chalicelib.distribuicao.deps import DistribuicaoDeps
from chalicelib.distribuicao.settings import get_settings

from courtlib.bootstrap import bootstrap
from courtlib.service import http_blueprints, lambda_handlers

deps = bootstrap(DistribuicaoDeps, get_settings())
app = Chalice(app_name="distribuicao")
authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=[deps.settings.user_pool_arn])
for blueprint in http_blueprints(deps, api.ROUTE_SETS, authorizer, title=api.TITLE):
    app.register_blueprint(blueprint)
app.register_blueprint(consumers.blueprint(deps))
globals().update(lambda_handlers(app))  # Lambda finds each event handler as app.<name>
