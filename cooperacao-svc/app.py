"""cooperacao-svc: servants' cooperation requests and judicial cooperation between courts — composition root."""

from chalice import Chalice, CognitoUserPoolAuthorizer
from chalicelib.cooperacao import api, consumers
from chalicelib.cooperacao.deps import CooperacaoDeps
from chalicelib.cooperacao.settings import get_settings

from courtlib.bootstrap import bootstrap
from courtlib.service import http_blueprints, lambda_handlers

deps = bootstrap(CooperacaoDeps, get_settings())
app = Chalice(app_name="cooperacao")
authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=[deps.settings.user_pool_arn])
for blueprint in http_blueprints(deps, api.ROUTE_SETS, authorizer, title=api.TITLE):
    app.register_blueprint(blueprint)
app.register_blueprint(consumers.blueprint(deps))
globals().update(lambda_handlers(app))  # Lambda finds each event handler as app.<name>
