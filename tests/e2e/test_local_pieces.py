"""The local runtime's pure pieces, in-process and fast: template intrinsics, filter patterns, routing, tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.apigw import Router, UnauthenticatedError, claims_for
from local.filters import matches_any
from local.project import ApiRoute
from local.template import CfnLoader, Resolver, load_template

TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: v1}
Conditions:
  IsV1: !Equals [!Ref Stage, v1]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: !Sub "${AWS::StackName}-t"}
  Queue: {Type: AWS::SQS::Queue}
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: bus}}
"""


@pytest.fixture
def resolver(tmp_path: Path) -> Resolver:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return Resolver(load_template(path), region="eu-west-1")


def test_short_tags_load_as_intrinsic_dicts() -> None:
    import yaml

    loaded = yaml.load("a: !Ref X\nb: !GetAtt T.Arn\nc: !Sub [x, {}]\nd: !If [C, 1, 2]", Loader=CfnLoader)
    assert loaded == {
        "a": {"Ref": "X"},
        "b": {"Fn::GetAtt": ["T", "Arn"]},
        "c": {"Fn::Sub": ["x", {}]},
        "d": {"Fn::If": ["C", 1, 2]},
    }


def test_intrinsics_resolve_to_local_names(resolver: Resolver) -> None:
    assert resolver.resolve({"Ref": "Table"}) == "sales-local-t"
    assert resolver.resolve({"Fn::GetAtt": ["Table", "Arn"]}) == (
        "arn:aws:dynamodb:eu-west-1:123456789012:table/sales-local-t"
    )
    assert resolver.resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == "arn:aws:sqs:eu-west-1:123456789012:sales-local-Queue"
    assert resolver.resolve({"Fn::Sub": "${AWS::Region}/${AWS::AccountId}/${Bus}/${Table.Arn}/${!Raw}"}) == (
        "eu-west-1/123456789012/bus/arn:aws:dynamodb:eu-west-1:123456789012:table/sales-local-t/${Raw}"
    )
    assert resolver.resolve({"Fn::Sub": ["${A}-${Stage}", {"A": "x"}]}) == "x-v1"
    assert resolver.resolve({"Fn::If": ["IsV1", "yes", "no"]}) == "yes"
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}) == "a-v1"
    assert resolver.resolve({"k": {"Ref": "AWS::NoValue"}, "j": 1}) == {"j": 1}
    resolver.set_attributes("Queue", Ref="http://localhost:1/123456789012/sales-local-Queue")
    assert resolver.resolve({"Ref": "Queue"}) == "http://localhost:1/123456789012/sales-local-Queue"


RECORD = {
    "eventName": "INSERT",
    "dynamodb": {"Keys": {"PK": {"S": "DEAL#1"}, "SK": {"S": "OUTBOX#2"}}, "SizeBytes": 120},
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT"], "dynamodb": {"Keys": {"SK": {"S": [{"prefix": "OUTBOX#"}]}}}}, True),
        ({"eventName": ["MODIFY"]}, False),
        ({"dynamodb": {"Keys": {"SK": {"S": [{"prefix": "DEAL#"}]}}}}, False),
        ({"dynamodb": {"Keys": {"SK": {"S": [{"suffix": "#2"}]}}}}, True),
        ({"eventName": [{"anything-but": ["REMOVE"]}]}, True),
        ({"dynamodb": {"SizeBytes": [{"numeric": [">", 100, "<=", 200]}]}}, True),
        ({"dynamodb": {"NewImage": [{"exists": False}]}}, True),
        (
            {"dynamodb": {"Keys": {"PK": {"S": ["DEAL#1"]}}}, "$or": [{"eventName": ["X"]}, {"eventName": ["INSERT"]}]},
            True,
        ),
        ({"dynamodb": {"SizeBytes": ["120"]}}, False),  # JSON types matter: "120" is not 120
    ],
)
def test_filter_patterns(pattern: dict[str, object], expected: bool) -> None:
    assert matches_any([pattern], RECORD) is expected


def test_no_filter_matches_everything_and_filters_are_ored() -> None:
    assert matches_any([], RECORD)
    assert matches_any([{"eventName": ["MODIFY"]}, {"eventName": ["INSERT"]}], RECORD)


def route(method: str, path: str, function: str) -> ApiRoute:
    return ApiRoute(method, path, function, "Api", "v1", True)


def test_router_prefers_literal_segments_then_checks_the_method() -> None:
    router = Router(
        [
            route("GET", "/sales/deals/{id}", "Get"),
            route("DELETE", "/sales/deals/{id}", "Delete"),
            route("GET", "/sales/deals/stats/pipeline", "Pipeline"),
            route("GET", "/sales/deals/stage/{stage}", "ByStage"),
            route("ANY", "/files/{proxy+}", "Files"),
        ]
    )
    found = router.resolve("GET", "/v1/sales/deals/stats/pipeline")
    assert not isinstance(found, tuple) and found.route.function_id == "Pipeline"
    assert found.path == "/sales/deals/stats/pipeline"
    found = router.resolve("DELETE", "/sales/deals/42")
    assert not isinstance(found, tuple) and (found.route.function_id, found.path_parameters) == ("Delete", {"id": "42"})
    assert router.resolve("POST", "/sales/deals/stats/pipeline") == (405, ["GET"])
    assert router.resolve("GET", "/sales/deals/42/extra") == (404, [])
    found = router.resolve("PUT", "/files/a/b")
    assert not isinstance(found, tuple) and found.path_parameters == {"proxy": "a/b"}


def test_dev_tokens() -> None:
    assert claims_for("Bearer dev:u:sales")["cognito:groups"] == "sales"
    assert claims_for("Bearer dev:u:a,b:p") == {"sub": "u", "cognito:groups": "a,b", "custom:partner_id": "p"}
    for bad in ("Bearer dev:u", "Bearer dev:u::p", "Bearer dev:u:,", "Token x", "Bearer dev:u:a:p:extra"):
        with pytest.raises(UnauthenticatedError):
            claims_for(bad)
