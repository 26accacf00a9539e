"""infra/deploy-role.yaml: cfn-lint and checkov pass, the GitHub role is trusted only by
this repository's environment, and the execution role covers what CloudFormation's own
resource handlers declare for the stack's resource types, the program's data excepted."""

from __future__ import annotations

import fnmatch
import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import cfnlint
import pytest
from infra_template import CFN_LINT, CHECKOV, CHECKOV_CONFIG, INFRA, REPO
from stack.template import load_template
from test_template import transformed

DEPLOY_ROLE = INFRA / "deploy-role.yaml"
# cfn-lint ships the CloudFormation registry's resource schemas, handlers included.
SCHEMAS = Path(cfnlint.__file__).parent / "data" / "schemas"

# Handler permissions the execution role leaves out, each with its reason.
NOT_GRANTED = {
    **dict.fromkeys(
        [
            "dynamodb:BatchWriteItem",
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:UpdateItem",
            "s3:GetObjectMetadata",
            "s3:DeleteObject",
            "s3:PutObjectAcl",
            "logs:CreateLogStream",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
        ],
        "the program's data: a deploy never reads or writes items, objects or log events",
    ),
    **dict.fromkeys(
        [
            "dynamodb:ImportTable",
            "dynamodb:DescribeImport",
            "dynamodb:CreateTableReplica",
            "dynamodb:AssociateTableReplica",
            "dynamodb:EnableKinesisStreamingDestination",
            "dynamodb:DisableKinesisStreamingDestination",
            "dynamodb:UpdateKinesisStreamingDestination",
            "kinesis:DescribeStream",
            "kinesis:PutRecords",
            "iam:CreateServiceLinkedRole",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
            "elasticfilesystem:DescribeMountTargets",
            "s3files:ListMountTargets",
            "lambda:PassCapacityProvider",
            "cloudfront:CreateConnectionGroup",
            "cloudfront:GetConnectionGroup",
            "cloudfront:GetVpcOrigin",
            "cloudfront:UpdateDistributionWithStagingConfig",
            "firehose:TagDeliveryStream",
            "logs:PutBearerTokenAuthentication",
            "s3:CreateBucketMetadataTableConfiguration",
            "s3:DeleteBucketMetadataTableConfiguration",
            "s3:GetBucketMetadataTableConfiguration",
            "s3:UpdateBucketMetadataAnnotationTableConfiguration",
            "s3:UpdateBucketMetadataInventoryTableConfiguration",
            "s3:UpdateBucketMetadataJournalTableConfiguration",
            "s3:GetBucketAbac",
            "s3:PutBucketAbac",
            "s3:PutObjectLockConfiguration",
            "s3tables:CreateNamespace",
            "s3tables:CreateTable",
            "s3tables:CreateTableBucket",
            "s3tables:GetTable",
            "s3tables:GetTableMetadataLocation",
            "s3tables:PutTableBucketPolicy",
            "s3tables:PutTableEncryption",
            "s3tables:PutTablePolicy",
            "s3tables:UpdateTableMetadataLocation",
            "s3:ListTagsForResource",
            "s3:TagResource",
            "s3:UntagResource",
            "sns:ListTagsForResource",
        ],
        "a feature the template does not use (imports, replicas, VPC, S3 Tables, …)",
    ),
    **dict.fromkeys(
        [
            "iam:AttachGroupPolicy",
            "iam:AttachRolePolicy",
            "iam:AttachUserPolicy",
            "iam:DetachGroupPolicy",
            "iam:DetachRolePolicy",
            "iam:DetachUserPolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
        ],
        "no managed policy is attached by the stack (the staff policy is attached by hand):"
        " attaching would let a template grant itself more",
    ),
    **dict.fromkeys(
        ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
        "the data key is retained: no deploy may disable or delete it",
    ),
    **dict.fromkeys(
        [
            "iam:GetRole",
            "iam:PassRole",
        ],
        "granted in their own statements, for the stack's roles only (checked below)",
    ),
    **dict.fromkeys(
        [
            "lambda:AssociateRuntimeAlias",
            "cloudfront:CreateDistributionWithTags",
            "s3:DeleteBucketAnalyticsConfiguration",
            "s3:DeleteBucketCors",
            "s3:DeleteBucketEncryption",
            "s3:DeleteBucketLifecycle",
            "s3:DeleteBucketMetricsConfiguration",
            "s3:DeleteBucketReplication",
            "s3:PutBucketReplication",
            "s3:REST.PUT.OBJECT",
            "s3:getObject",
            "apigateway:TagResource",
            "apigateway:UntagResource",
        ],
        "not an IAM action (an API authorised by another action; cfn-lint W3037 says so)",
    ),
}


@cache
def deploy_role() -> dict[str, Any]:
    return load_template(DEPLOY_ROLE)


def statements(logical_id: str) -> list[dict[str, Any]]:
    role = deploy_role()["Resources"][logical_id]["Properties"]
    return [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def granted(logical_id: str) -> set[str]:
    return {a for s in statements(logical_id) for a in as_list(s["Action"])}


@cache
def handler_permissions() -> dict[str, set[str]]:
    """Resource type → the permissions its CloudFormation handlers declare (cfn-lint's copy
    of the registry schemas), for every type the SAM transform makes of the template."""
    types = {r["Type"] for r in transformed()["Resources"].values()}
    found: dict[str, set[str]] = {}
    for path in (SCHEMAS / "resources").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if schema.get("typeName") in types:
            handlers = schema.get("handlers", {})
            found[schema["typeName"]] = {
                p
                for kind in ("create", "read", "update", "delete")
                for p in handlers.get(kind, {}).get("permissions", [])
            }
    assert set(found) == types, types - set(found)
    return found


# ---------------------------------------------------------------- tools


@pytest.mark.slow
def test_cfn_lint_passes() -> None:
    # W3037 (unknown IAM action) included: a typo in an action fails here.
    done = subprocess.run(
        [str(CFN_LINT), "--", str(DEPLOY_ROLE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_checkov_passes() -> None:
    assert CHECKOV.exists(), "checkov is installed by `make tools` in .venv-checkov/"
    done = subprocess.run(
        [str(CHECKOV), "--config-file", str(CHECKOV_CONFIG), "--file", str(DEPLOY_ROLE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


# ---------------------------------------------------------------- who may assume


def test_only_this_repositorys_environment_may_assume_the_github_role() -> None:
    role = deploy_role()["Resources"]["GitHubDeployRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    condition = trust["Condition"]
    assert set(condition) == {"StringEquals"}  # no StringLike wildcard on the subject
    assert condition["StringEquals"]["token.actions.githubusercontent.com:aud"] == (
        "sts.amazonaws.com"
    )
    assert condition["StringEquals"]["token.actions.githubusercontent.com:sub"] == {
        "Fn::Sub": "repo:${GitHubRepository}:environment:${Environment}"
    }
    provider = deploy_role()["Resources"]["GitHubOidcProvider"]["Properties"]
    assert provider["Url"] == "https://token.actions.githubusercontent.com"


def test_only_cloudformation_may_assume_the_execution_role() -> None:
    role = deploy_role()["Resources"]["CloudFormationExecutionRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "cloudformation.amazonaws.com"}


def test_the_deploy_roles_are_outside_the_stacks_own_names() -> None:
    # The execution role may change roles named vnb-<env>-*: never itself.
    for logical_id in ("GitHubDeployRole", "CloudFormationExecutionRole"):
        name = deploy_role()["Resources"][logical_id]["Properties"]["RoleName"]["Fn::Sub"]
        assert not fnmatch.fnmatchcase(name, "vnb-${Environment}-*"), name


# ---------------------------------------------------------------- what they may do


def test_no_statement_allows_every_action() -> None:
    for logical_id in ("GitHubDeployRole", "CloudFormationExecutionRole"):
        for statement in statements(logical_id):
            for action in as_list(statement["Action"]):
                assert "*" not in action, (logical_id, statement["Sid"])


def test_the_github_role_passes_only_the_execution_role_to_cloudformation() -> None:
    passes = [s for s in statements("GitHubDeployRole") if "iam:PassRole" in as_list(s["Action"])]
    assert [s["Resource"] for s in passes] == [{"Fn::GetAtt": "CloudFormationExecutionRole.Arn"}]
    assert passes[0]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}
    }
    # It creates nothing itself: no IAM, Lambda, DynamoDB or KMS action.
    services = {a.split(":")[0] for a in granted("GitHubDeployRole")}
    assert services == {"cloudformation", "s3", "iam", "ssm", "cloudfront"}


def test_the_github_role_writes_only_this_environments_site_and_artifacts() -> None:
    writes = [
        s
        for s in statements("GitHubDeployRole")
        if {"s3:PutObject", "s3:DeleteObject"} & set(as_list(s["Action"]))
    ]
    resources = sorted(r["Fn::Sub"] for s in writes for r in as_list(s["Resource"]))
    assert resources == [
        "arn:${AWS::Partition}:s3:::aws-sam-cli-managed-default-samclisourcebucket-*"
        "/vnb-${Environment}/*",
        "arn:${AWS::Partition}:s3:::vnb-${Environment}-sitebucket-*/*",
    ]


def test_the_execution_role_covers_what_cloudformation_needs_for_the_template() -> None:
    needed = set().union(*handler_permissions().values())
    missing = needed - granted("CloudFormationExecutionRole") - set(NOT_GRANTED)
    assert not missing, f"add to infra/deploy-role.yaml or to NOT_GRANTED: {sorted(missing)}"
    # The list of exceptions names only what the handlers ask for.
    assert set(NOT_GRANTED) <= needed, set(NOT_GRANTED) - needed


def test_the_execution_role_never_touches_the_programs_data() -> None:
    data = {a for a, why in NOT_GRANTED.items() if why.startswith("the program's data")}
    assert not data & granted("CloudFormationExecutionRole")
    assert "kms:ScheduleKeyDeletion" not in granted("CloudFormationExecutionRole")
    # Objects are read only where Lambda takes the functions' code from: SAM's bucket.
    reads = [
        s
        for s in statements("CloudFormationExecutionRole")
        if {"s3:GetObject", "s3:GetObjectVersion"} & set(as_list(s["Action"]))
    ]
    assert [s["Resource"] for s in reads] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:s3:::aws-sam-cli-managed-default-samclisourcebucket-*"
            "/vnb-${Environment}/*"
        }
    ]


def test_function_roles_are_passed_to_lambda_and_the_nightly_schedule_only() -> None:
    passes = [s for s in statements("CloudFormationExecutionRole") if "iam:PassRole" in s["Action"]]
    assert len(passes) == 1
    assert passes[0]["Condition"] == {
        "StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com", "scheduler.amazonaws.com"]}
    }
    resource = passes[0]["Resource"]["Fn::Sub"]
    assert resource.endswith(":role/vnb-${Environment}-*")


def test_unscoped_statements_are_the_documented_ones() -> None:
    unscoped = sorted(
        s["Sid"]
        for logical_id in ("GitHubDeployRole", "CloudFormationExecutionRole")
        for s in statements(logical_id)
        if "*" in as_list(s["Resource"])
    )
    assert unscoped == [
        "ApiAccessLogDelivery",
        "CreateEdgeResources",
        "CreateTheDataKey",
        "GenerateTheSigningSecret",  # random bytes, no resource
        "StreamMappingOfTheseFunctions",  # limited by lambda:FunctionArn instead
    ]
    decision = (REPO / "docs" / "decisions" / "2026-12-01-publish.md").read_text("utf-8")
    for sid in unscoped:
        assert sid in decision, f"say why {sid} is not narrowed"


def test_the_stack_names_match_samconfig(samconfig_stacks: dict[str, str]) -> None:
    # The roles name vnb-<Environment>: the stacks samconfig.toml deploys.
    assert samconfig_stacks == {"staging": "vnb-staging", "production": "vnb-production"}


@pytest.fixture
def samconfig_stacks() -> dict[str, str]:
    import tomllib

    config = tomllib.loads((INFRA / "samconfig.toml").read_text(encoding="utf-8"))
    return {
        "staging": config["default"]["global"]["parameters"]["stack_name"],
        "production": config["production"]["global"]["parameters"]["stack_name"],
    }
