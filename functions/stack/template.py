"""Create the DynamoDB tables that `infra/template.yaml` defines.

The template is the one source of the table schema: tests and the local mode
read each `AWS::DynamoDB::Table` from it and create it with boto3 (moto's
CloudFormation does not expand the SAM transform).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"

# Properties that CreateTable accepts, as the template spells them.
_CREATE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
)


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation's short-form tags (!Ref, !Sub…) as data."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return data


def table_definitions(path: Path = TEMPLATE) -> dict[str, dict[str, Any]]:
    """Logical id → the table's properties, for every DynamoDB table in the template."""
    resources: dict[str, Any] = load_template(path)["Resources"]
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def create_table_kwargs(properties: dict[str, Any], table_name: str) -> dict[str, Any]:
    """CreateTable arguments from a template table's properties."""
    kwargs: dict[str, Any] = {"TableName": table_name}
    kwargs.update({key: properties[key] for key in _CREATE_KEYS if key in properties})
    return kwargs


def create_tables(client: Any, names: dict[str, str], path: Path = TEMPLATE) -> None:
    """Create each template table under the name given for its logical id, with its TTL.

    `client` is a boto3 DynamoDB client (moto in tests and in local mode).
    """
    definitions = table_definitions(path)
    for logical_id, table_name in names.items():
        properties = definitions[logical_id]
        client.create_table(**create_table_kwargs(properties, table_name))
        client.get_waiter("table_exists").wait(TableName=table_name)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)


# Logical id in the template → environment variable the functions read its name from.
TABLE_ENV = {"ProgramTable": "TABLE_NAME", "IdempotencyTable": "IDEMPOTENCY_TABLE_NAME"}
