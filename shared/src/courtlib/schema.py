"""The base of every request, response, event and configuration model: validators built on first use.

pydantic builds a model's validator and serializer when its class is defined. A service defines about a
hundred models, most of which a given invocation never touches, and building them was the largest share
of ``import app`` (a Lambda cold start). ``defer_build`` makes pydantic build each one the first time it
validates, serializes or gives its JSON schema; the behaviour is the same.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)
