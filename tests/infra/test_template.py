"""infra/template.yaml validated offline: cfn-lint, the SAM transform, and what the
template promises (private site behind OAC, security headers, least privilege, alarms)."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from infra_template import (
    CFN_LINT,
    PARAMETERS,
    TEMPLATE,
    TEMPLATES,
    content_security_policy,
    resources,
    template,
)
from moto import mock_aws
from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse
from stack.template import TABLE_ENV, create_tables, table_definitions

FORMS_FUNCTIONS = {
    "RegistrationFunction": "forms_api.handlers.registration.lambda_handler",
    "AssessmentFunction": "forms_api.handlers.assessment.lambda_handler",
}
# CloudFront's limit on a response-headers policy's CSP value.
CSP_MAX_LENGTH = 1783
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


@cache
def transformed() -> dict[str, Any]:
    """The CloudFormation the SAM transform makes of the template (no AWS call)."""
    fragment = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    # What `sam package` does first: local code folders become S3 objects.
    fragment["Globals"]["Function"]["CodeUri"] = "s3://artifacts/forms.zip"
    for resource in fragment["Resources"].values():
        if "CodeUri" in resource.get("Properties", {}):
            resource["Properties"]["CodeUri"] = "s3://artifacts/forms.zip"
    translator = Translator(
        None,
        Parser(),
        # The region the ARNs are made for; no call is made with this session.
        boto_session=boto3.session.Session(region_name="ca-central-1"),
        metrics=Metrics("ServerlessTransform", DummyMetricsPublisher()),
    )
    output: dict[str, Any] = translator.translate(
        fragment,
        parameter_values=dict(PARAMETERS),
        # Named managed policies would need IAM; the template names none.
        get_managed_policy_map=dict,
    )
    return output


def transformed_resources(kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in transformed()["Resources"].items() if r["Type"] == kind}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        found.extend(as_list(policy["PolicyDocument"]["Statement"]))
    return found


# ---------------------------------------------------------------- tools


@pytest.mark.slow
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_finds_no_error_and_no_warning(path: Path) -> None:
    # Exit code: 2 errors, 4 warnings, 8 informational (only with -c I), bit-ored.
    done = subprocess.run(
        [str(CFN_LINT), "--", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sam_transform_succeeds_and_makes_the_serverless_resources() -> None:
    kinds = {r["Type"] for r in transformed()["Resources"].values()}
    assert "AWS::Serverless::Function" not in kinds
    assert {"AWS::Lambda::Function", "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage"} <= kinds


# ---------------------------------------------------------------- data


def test_the_tables_tests_create_are_the_templates_tables() -> None:
    names = {logical_id: f"test-{logical_id}" for logical_id in TABLE_ENV}
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ca-central-1")
        create_tables(client, names)
        for logical_id, properties in table_definitions().items():
            table = client.describe_table(TableName=names[logical_id])["Table"]
            assert table["KeySchema"] == properties["KeySchema"]
            assert sorted(table["AttributeDefinitions"], key=str) == sorted(
                properties["AttributeDefinitions"], key=str
            )
            made = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
            wanted = {i["IndexName"]: i for i in properties.get("GlobalSecondaryIndexes", [])}
            assert set(made) == set(wanted)
            for name, index in wanted.items():
                assert made[name]["KeySchema"] == index["KeySchema"]
                assert made[name]["Projection"] == index["Projection"]
            assert table["BillingModeSummary"]["BillingMode"] == properties["BillingMode"]
            ttl = client.describe_time_to_live(TableName=names[logical_id])
            expected = properties["TimeToLiveSpecification"]["AttributeName"]
            assert ttl["TimeToLiveDescription"]["AttributeName"] == expected


def test_the_program_table_is_protected_and_encrypted_with_the_program_key() -> None:
    table = template()["Resources"]["ProgramTable"]
    properties = table["Properties"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    sse = properties["SSESpecification"]
    assert (sse["SSEType"], sse["KMSMasterKeyId"]) == ("KMS", {"Ref": "DataKey"})
    key = template()["Resources"]["DataKey"]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_the_idempotency_table_has_powertools_key_and_ttl() -> None:
    properties = template()["Resources"]["IdempotencyTable"]["Properties"]
    assert properties["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert properties["TimeToLiveSpecification"]["AttributeName"] == "expiration"
    assert properties["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "DataKey"}


# ---------------------------------------------------------------- functions and API


def test_forms_functions_run_python_313_on_arm_with_the_powertools_layer() -> None:
    functions = transformed_resources("AWS::Lambda::Function")
    for logical_id, handler in FORMS_FUNCTIONS.items():
        properties = functions[logical_id]["Properties"]
        assert properties["Handler"] == handler
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert properties["Layers"] == [{"Ref": "PowertoolsLayerArn"}]
        assert 128 <= properties["MemorySize"] <= 3008
        assert properties["Timeout"] < 30  # under the HTTP API's integration limit
        variables = properties["Environment"]["Variables"]
        assert {"TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "CONTENT_DATA_DIR", "SITE_URL"} <= set(
            variables
        )
    layer = template()["Parameters"]["PowertoolsLayerArn"]
    assert layer["Default"].startswith("/aws/service/powertools/python/arm64/python3.13/")


def test_no_lambda_function_url() -> None:
    # A function URL behind CloudFront OAC needs a signed body hash a plain form cannot send.
    assert not transformed_resources("AWS::Lambda::Url")


def test_the_http_api_routes_throttles_logs_and_limits_cors_to_the_site() -> None:
    api = transformed()["Resources"]["FormsApi"]["Properties"]["Body"]
    routes = {path: set(methods) for path, methods in api["paths"].items()}
    assert routes == {
        "/api/registrations": {"post"},
        "/api/registrations/check": {"get"},
        "/api/registrations/edit": {"get"},
        "/api/registrations/send": {"post"},
        "/api/registrations/confirmation": {"get"},
        "/api/registrations/confirm": {"get"},
        "/api/assessments": {"post"},
        "/api/assessments/result": {"get"},
        "/api/assessments/mail": {"post"},
        "/api/assessments/results": {"get"},
    }
    cors = api["x-amazon-apigateway-cors"]
    assert cors["allowOrigins"] == [{"Fn::Sub": f"https://{PARAMETERS['DomainName']}"}]
    assert cors["allowMethods"] == ["POST"]
    stage = transformed()["Resources"]["FormsApiApiGatewayDefaultStage"]["Properties"]
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0
    assert stage["AccessLogSettings"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]
    }


# ---------------------------------------------------------------- least privilege


def test_no_role_allows_every_action_on_every_resource() -> None:
    for logical_id, role in transformed_resources("AWS::IAM::Role").items():
        for statement in statements(role):
            if statement["Effect"] != "Allow":
                continue
            actions = as_list(statement.get("Action", []))
            wild_action = any(a == "*" or a.endswith(":*") for a in actions)
            wild_resource = "*" in as_list(statement.get("Resource", []))
            assert not (wild_action and wild_resource), (logical_id, statement)
            assert "*" not in actions, (logical_id, statement)


def test_forms_functions_may_only_write_items_and_read_one() -> None:
    allowed = {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
        # The tokens' signing key, that one secret only (checked below).
        "secretsmanager:GetSecretValue",
    }
    roles = transformed_resources("AWS::IAM::Role")
    for logical_id in FORMS_FUNCTIONS:
        role = roles[f"{logical_id}Role"]
        assert "ManagedPolicyArns" not in role["Properties"]  # no logs on "*"
        actions = {a for s in statements(role) for a in as_list(s["Action"])}
        # The assessment function reads a registration's own partition (its first
        # assessment, T0, and its list of results): Query there, on the table, nowhere else.
        query = {"dynamodb:Query"} if logical_id == "AssessmentFunction" else set()
        assert actions <= allowed | query, actions - allowed
        for statement in statements(role):
            assert "*" not in as_list(statement["Resource"]), statement
            if "dynamodb:Query" in as_list(statement["Action"]):
                assert statement["Resource"] == {"Fn::GetAtt": ["ProgramTable", "Arn"]}, statement
                leading = statement["Condition"]["ForAllValues:StringLike"]
                assert "REG#*" in leading["dynamodb:LeadingKeys"], statement
            if "secretsmanager:GetSecretValue" in as_list(statement["Action"]):
                secrets = [{"Ref": "FormsSigningSecret"}, {"Ref": "OriginSecret"}]
                assert all(r in secrets for r in as_list(statement["Resource"])), statement


def test_the_numbers_function_runs_nightly_queries_and_writes_only_its_item_and_pages() -> None:
    from content_model import LANGUAGES, load_content
    from progress.figures import page_folder

    function = transformed_resources("AWS::Lambda::Function")["NumbersFunction"]["Properties"]
    assert function["Handler"] == "progress.handler.lambda_handler"
    assert function["Runtime"] == "python3.13"
    (schedule,) = transformed_resources("AWS::Scheduler::Schedule").values()
    assert schedule["Properties"]["ScheduleExpression"].startswith("cron(")
    assert schedule["Properties"]["ScheduleExpressionTimezone"] == "America/Toronto"

    role = transformed_resources("AWS::IAM::Role")["NumbersFunctionRole"]
    by_action: dict[str, list[Any]] = {}
    for statement in statements(role):
        for action in as_list(statement["Action"]):
            by_action.setdefault(action, []).extend(as_list(statement["Resource"]))
    assert {a for a in by_action if a.startswith("dynamodb:")} == {
        "dynamodb:Query",
        "dynamodb:PutItem",
    }
    (put,) = [s for s in statements(role) if "dynamodb:PutItem" in as_list(s["Action"])]
    assert put["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] == ["AGG#peers"]
    assert set(by_action) <= {
        "dynamodb:Query",
        "dynamodb:PutItem",
        "s3:GetObject",
        "s3:PutObject",
        "cloudfront:CreateInvalidation",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
    }
    # The site bucket's folders it may write are the numbers pages' (from pages.yml) and
    # the snapshot's, none else: a renamed page must rename them here too.
    content = load_content(Path(__file__).resolve().parents[2] / "content" / "data")
    folders = {page_folder(content, lang) for lang in LANGUAGES} | {"/progress/"}
    written = {r["Fn::Sub"].removeprefix("${SiteBucket.Arn}") for r in by_action["s3:PutObject"]}
    assert written == {folder + "*" for folder in folders}
    assert by_action["s3:GetObject"] == by_action["s3:PutObject"]


# ---------------------------------------------------------------- the site at the edge


def test_the_bucket_is_private_and_read_by_cloudfront_through_oac_only() -> None:
    bucket = template()["Resources"]["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policy = template()["Resources"]["SiteBucketPolicy"]["Properties"]["PolicyDocument"]
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"Service": "cloudfront.amazonaws.com"}]
    assert "AWS:SourceArn" in allows[0]["Condition"]["StringEquals"]


def test_the_distribution_is_https_http3_compressed_and_routes_the_api() -> None:
    config = template()["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["HttpVersion"] == "http2and3"
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2")
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert all(b["Compress"] for b in behaviours)
    assert all(b["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only") for b in behaviours)
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["site"]["OriginAccessControlId"] == {"Fn::GetAtt": "SiteOriginAccessControl.Id"}
    assert origins["site"]["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert origins["api"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    api = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*")
    assert api["TargetOriginId"] == "api"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert "POST" in api["AllowedMethods"]
    association = config["DefaultCacheBehavior"]["FunctionAssociations"][0]
    assert association["EventType"] == "viewer-request"


def test_pages_are_cached_briefly_and_fingerprinted_files_for_a_year() -> None:
    policies = resources("AWS::CloudFront::CachePolicy")
    pages = policies["PageCachePolicy"]["Properties"]["CachePolicyConfig"]
    assets = policies["FingerprintedCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert pages["DefaultTTL"] <= 600
    assert assets["DefaultTTL"] == 31536000


def test_every_response_carries_the_same_security_headers() -> None:
    policies = resources("AWS::CloudFront::ResponseHeadersPolicy")
    assert len(policies) == 3
    configs = [p["Properties"]["ResponseHeadersPolicyConfig"] for p in policies.values()]
    first = configs[0]["SecurityHeadersConfig"]
    assert all(c["SecurityHeadersConfig"] == first for c in configs)
    assert first["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert first["ContentTypeOptions"]["Override"] is True
    assert first["FrameOptions"]["FrameOption"] == "DENY"
    assert first["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    for config in configs:
        names = {i["Header"] for i in config["CustomHeadersConfig"]["Items"]}
        assert {"Permissions-Policy", "Cache-Control"} <= names


def test_the_csp_allows_no_inline_script_and_fits_cloudfront() -> None:
    csp = content_security_policy()
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert len(csp) <= CSP_MAX_LENGTH


def test_the_edge_function_fits_cloudfront_functions_limit() -> None:
    code = template()["Resources"]["EdgeRequestFunction"]["Properties"]["FunctionCode"]
    assert len(code.encode("utf-8")) <= 10 * 1024


# ---------------------------------------------------------------- operations


def test_alarms_watch_errors_throttles_and_5xx_and_tell_the_alarm_topic() -> None:
    alarms = resources("AWS::CloudWatch::Alarm")
    watched = {
        (a["Properties"]["MetricName"], str(a["Properties"]["Dimensions"][0]["Value"]))
        for a in alarms.values()
    }
    for function in FORMS_FUNCTIONS:
        assert ("Errors", str({"Ref": function})) in watched
        assert ("Throttles", str({"Ref": function})) in watched
    assert ("5xx", str({"Ref": "FormsApi"})) in watched
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    topic = template()["Resources"]["AlarmTopic"]["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]


def test_every_log_group_has_a_retention() -> None:
    for logical_id, group in resources("AWS::Logs::LogGroup").items():
        assert "RetentionInDays" in group["Properties"], logical_id


def test_parameters_cover_environment_domain_certificate_and_alarm_email() -> None:
    parameters = template()["Parameters"]
    assert parameters["Environment"]["AllowedValues"] == ["staging", "production"]
    assert {"DomainName", "CertificateArn", "AlarmEmail"} <= set(parameters)
