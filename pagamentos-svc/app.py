"""pagamentos-svc: the monthly payment memos to the payroll division — composition root."""

from chalice import Chalice, CognitoUserPoolAuthorizer
from chalicelib.pagamentos import api, consumers
from chalicelib.pagamentos.deps import PagamentosDeps
from chalicelib.pagamentos.settings import get_settings

from courtlib.bootstrap import bootstrap
from courtlib.service import http_blueprints, lambda_handlers

deps = bootstrap(PagamentosDeps, get_settings())
app = Chalice(app_name="pagamentos")
app.api.binary_types.append("application/pdf")  # the memo PDF (PAG-11) is served as bytes
authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=[deps.settings.user_pool_arn])
for blueprint in http_blueprints(deps, api.ROUTE_SETS, authorizer, title=api.TITLE):
    app.register_blueprint(blueprint)
app.register_blueprint(consumers.blueprint(deps))
globals().update(lambda_handlers(app))  # Lambda finds each event handler as app.<name>
