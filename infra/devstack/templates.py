"""Reading CloudFormation templates: YAML with short tags, and the intrinsic functions identity.yaml uses.

moto's CloudFormation does not create Cognito pools or SES identities, so the local stack applies
``infra/identity.yaml`` by API; this module turns that template's ``!Ref``/``!Sub``/``!GetAtt``…
into values. A small loader instead of cfn-lint's keeps ``make run`` start-up short (≈0.5 s less).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

_SHORT_TAGS = {
    "Ref": "Ref", "Condition": "Condition", "GetAtt": "Fn::GetAtt", "Sub": "Fn::Sub", "Join": "Fn::Join",
    "Select": "Fn::Select", "Split": "Fn::Split", "If": "Fn::If", "Equals": "Fn::Equals", "Not": "Fn::Not",
    "And": "Fn::And", "Or": "Fn::Or", "FindInMap": "Fn::FindInMap", "Base64": "Fn::Base64",
    "GetAZs": "Fn::GetAZs", "ImportValue": "Fn::ImportValue", "Cidr": "Fn::Cidr", "ToJsonString": "Fn::ToJsonString",
    "Length": "Fn::Length",
}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that reads ``!Tag value`` as the long form ``{"Fn::Tag": value}``.

    libyaml's parser (``CSafeLoader``) where PyYAML has it: the pure-Python one took ~0.1 s of
    `make run`'s start for infra/template.yaml alone."""


def _construct_tag(loader: Any, suffix: str, node: yaml.Node) -> dict[str, Any]:
    key = _SHORT_TAGS.get(suffix)
    if key is None:
        raise yaml.constructor.ConstructorError(None, None, f"unknown CloudFormation tag !{suffix}", node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if key == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {key: value}


_Loader.add_multi_constructor("!", _construct_tag)


def load_template(path: str | Path) -> dict[str, Any]:
    """A CloudFormation template (YAML or JSON) as plain data, short tags in their long form."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}


class Unresolved(LookupError):
    """A value refers to a resource that has not been created yet."""


class Resolver:
    """Evaluates intrinsic functions against parameters, pseudo parameters and created resources.

    ``resources`` maps a logical id to its attributes; its ``"Ref"`` entry is what ``!Ref`` gives.
    """

    def __init__(self, template: Mapping[str, Any], parameters: Mapping[str, str], region: str, account: str,
                 stack_name: str = "local") -> None:
        self.template = template
        self.parameters = self._parameters(template, parameters)
        self.pseudo = {"AWS::Region": region, "AWS::AccountId": account, "AWS::StackName": stack_name,
                       "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": None,
                       "AWS::StackId": f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/local"}
        self.resources: dict[str, dict[str, Any]] = {}
        self._conditions: dict[str, bool] = {}

    @staticmethod
    def _parameters(template: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, spec in (template.get("Parameters") or {}).items():
            if name in given:
                values[name] = str(given[name])
            elif "Default" in spec:
                values[name] = str(spec["Default"])
            else:
                raise ValueError(f"template parameter {name} has no default and no value was given")
        return values

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve((self.template.get("Conditions") or {})[name]))
        return self._conditions[name]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not None]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            function = self._functions().get(key)
            if function is not None:
                return function(argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not None}

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Sub": self._sub, "Condition": self.condition,
            "Fn::Join": lambda a: self.resolve(a[0]).join(str(v) for v in self.resolve(a[1])),
            "Fn::Select": lambda a: self.resolve(a[1])[int(self.resolve(a[0]))],
            "Fn::Split": lambda a: self.resolve(a[1]).split(self.resolve(a[0])),
            "Fn::If": lambda a: self.resolve(a[1] if self.condition(a[0]) else a[2]),
            "Fn::Equals": lambda a: str(self.resolve(a[0])) == str(self.resolve(a[1])),
            "Fn::Not": lambda a: not self.resolve(a[0]),
            "Fn::And": lambda a: all(self.resolve(v) for v in a),
            "Fn::Or": lambda a: any(self.resolve(v) for v in a),
            "Fn::FindInMap": lambda a: self.template["Mappings"][self.resolve(a[0])][self.resolve(a[1])][
                self.resolve(a[2])],
        }

    def _ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.resources:
            return self.resources[name]["Ref"]
        raise Unresolved(name)

    def _get_att(self, argument: Any) -> Any:
        logical_id, attribute = (argument.split(".", 1) if isinstance(argument, str) else self.resolve(argument))
        if logical_id not in self.resources:
            raise Unresolved(logical_id)
        try:
            return self.resources[logical_id][attribute]
        except KeyError:
            raise KeyError(f"{logical_id} has no attribute {attribute} in the local stack") from None

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], self.resolve(argument[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name.split(".", 1)[0] not in self.parameters:
                return str(self._get_att(name))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)
