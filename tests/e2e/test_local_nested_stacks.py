"""Nested stacks, in-process and fast: the loader inlines each local `AWS::Serverless::Application` so the
runtime, the tools and the tests read one template, with SAM's meaning kept (parameters, Globals, paths)."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.project import load_project
from local.template import Resolver, flatten, load_document, load_template, nested_stacks

ROOT_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Level: {Type: String, Default: INFO}
  Logging: {Type: String, Default: "true"}
Conditions:
  WithLogs: !Equals [!Ref Logging, "true"]
Resources:
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: !Sub "${AWS::StackName}-events"}}
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/shared/}
  Orders:
    Type: AWS::Serverless::Application
    Properties:
      Location: stacks/orders.yaml
      Parameters:
        BusName: !Ref Bus
        BusArn: !GetAtt Bus.Arn
        SharedLayer: !Ref Shared
        Level: !Ref Level
        Logging: !Ref Logging
  Audit:
    Type: AWS::Serverless::Application
    Condition: WithLogs
    Properties:
      Location: stacks/audit.yaml
      Parameters:
        OrdersTable: !GetAtt Orders.Outputs.TableName
Outputs:
  Url: {Value: !GetAtt Orders.Outputs.Url}
  Named: {Value: !Sub "table ${Orders.Outputs.TableName}"}
"""

ORDERS = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  BusName: {Type: String}
  BusArn: {Type: String}
  SharedLayer: {Type: String}
  Level: {Type: String, Default: DEBUG}
  Logging: {Type: String}
  Prefix: {Type: String, Default: orders}
Conditions:
  WithLogs: !Equals [!Ref Logging, "true"]
Globals:
  Function:
    Runtime: python3.13
    Timeout: 10
    Layers: [!Ref SharedLayer, !Ref OrdersLayer]
    Environment:
      Variables:
        TABLE_NAME: !Ref OrdersTable
        BUS: !Ref BusName
        LEVEL: !Ref Level
Resources:
  OrdersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: PK, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: PK, AttributeType: S}]
  OrdersLayer:
    Type: AWS::Serverless::LayerVersion
    Metadata: {BuildMethod: makefile, ContextPath: layers}
    Properties: {ContentUri: ../layers/orders/, LayerName: !Sub "${Prefix}-${AWS::StackName}"}
  OrdersGetFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../functions/orders/get/
      Handler: app.lambda_handler
      Timeout: 30
      Layers: [!Ref Extra]
      Environment: {Variables: {OWN: "1", LEVEL: ERROR}}
      Policies:
        - Statement: [{Effect: Allow, Action: events:PutEvents, Resource: !Ref BusArn}]
      Events:
        Get: {Type: Api, Properties: {Path: "/orders/{id}", Method: get}}
  Extra:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: ../layers/extra}
  OrdersLogs:
    Type: AWS::Logs::LogGroup
    Condition: WithLogs
Outputs:
  TableName: {Value: !Ref OrdersTable}
  Url: {Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod"}
"""

AUDIT = """
Parameters:
  OrdersTable: {Type: String}
Resources:
  AuditQueue:
    Type: AWS::SQS::Queue
    Properties: {Tags: [{Key: table, Value: !Ref OrdersTable}]}
  AuditFiltered:
    Type: AWS::SQS::Queue
    Condition: Other
Conditions:
  Other: !Equals [a, a]
"""


def _project(tmp_path: Path, root: str = ROOT_TEMPLATE, orders: str = ORDERS, audit: str = AUDIT) -> Path:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "template.yaml").write_text(root)
    (tmp_path / "stacks" / "orders.yaml").write_text(orders)
    (tmp_path / "stacks" / "audit.yaml").write_text(audit)
    return tmp_path / "template.yaml"


def test_nested_stacks_are_listed_in_build_layout_order(tmp_path: Path) -> None:
    stacks = nested_stacks(_project(tmp_path))
    assert [(stack.name, stack.file.relative_to(tmp_path).as_posix()) for stack in stacks] == [
        ("root", "template.yaml"),
        ("Orders", "stacks/orders.yaml"),
        ("Audit", "stacks/audit.yaml"),
    ]
    assert "Globals" in stacks[1].document  # each stack as written


def test_applications_are_replaced_by_their_resources_in_place(tmp_path: Path) -> None:
    template = load_template(_project(tmp_path))
    assert list(template["Resources"]) == [
        "Bus",
        "Shared",
        "OrdersTable",
        "OrdersLayer",
        "OrdersGetFunction",
        "Extra",
        "OrdersLogs",
        "AuditQueue",
        "AuditFiltered",
    ]
    assert "Globals" not in template
    assert list(template["Parameters"]) == ["Level", "Logging"]  # the root's only: children's are substituted


def test_child_parameters_become_the_parents_expressions_or_their_default(tmp_path: Path) -> None:
    function = load_template(_project(tmp_path))["Resources"]["OrdersGetFunction"]["Properties"]
    assert function["Policies"][0]["Statement"][0]["Resource"] == {"Fn::GetAtt": ["Bus", "Arn"]}
    variables = function["Environment"]["Variables"]
    assert variables["BUS"] == {"Ref": "Bus"}
    assert variables["TABLE_NAME"] == {"Ref": "OrdersTable"}
    layer = load_template(tmp_path / "template.yaml")["Resources"]["OrdersLayer"]["Properties"]
    # ${Prefix} (not passed: its Default) becomes a variable of the Sub; ${AWS::StackName} stays.
    assert layer["LayerName"] == {"Fn::Sub": ["${Prefix}-${AWS::StackName}", {"Prefix": "orders"}]}


def test_child_globals_apply_to_the_childs_functions_with_sam_merge_rules(tmp_path: Path) -> None:
    function = load_template(_project(tmp_path))["Resources"]["OrdersGetFunction"]["Properties"]
    assert function["Runtime"] == "python3.13"
    assert function["Timeout"] == 30  # the function's own scalar wins
    assert function["Layers"] == [{"Ref": "Shared"}, {"Ref": "OrdersLayer"}, {"Ref": "Extra"}]  # concatenated
    # Maps merge; an intrinsic is a scalar: the function's literal replaces the Global's !Ref.
    assert function["Environment"]["Variables"] == {
        "TABLE_NAME": {"Ref": "OrdersTable"},
        "BUS": {"Ref": "Bus"},
        "LEVEL": "ERROR",
        "OWN": "1",
    }


def test_relative_paths_are_rewritten_from_the_root_and_metadata_kept(tmp_path: Path) -> None:
    resources = load_template(_project(tmp_path))["Resources"]
    assert resources["OrdersGetFunction"]["Properties"]["CodeUri"] == "functions/orders/get/"
    assert resources["OrdersLayer"]["Properties"]["ContentUri"] == "layers/orders/"
    assert resources["Extra"]["Properties"]["ContentUri"] == "layers/extra"
    assert resources["Shared"]["Properties"]["ContentUri"] == "layers/shared/"
    # sam build resolves ContextPath against the root template's folder, nested or not: left as written.
    assert resources["OrdersLayer"]["Metadata"]["ContextPath"] == "layers"


def test_outputs_conditions_and_the_applications_condition(tmp_path: Path) -> None:
    template = load_template(_project(tmp_path))
    resources = template["Resources"]
    assert template["Outputs"]["Url"]["Value"] == {
        "Fn::Sub": "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod"
    }
    assert template["Outputs"]["Named"]["Value"] == {
        "Fn::Sub": ["table ${Orders.Outputs.TableName}", {"Orders.Outputs.TableName": {"Ref": "OrdersTable"}}]
    }
    # One stack's output passed to another as a parameter.
    assert resources["AuditQueue"]["Properties"]["Tags"][0]["Value"] == {"Ref": "OrdersTable"}
    assert resources["OrdersLogs"]["Condition"] == "WithLogs"  # declared alike by both: merged
    assert resources["AuditQueue"]["Condition"] == "WithLogs"  # the Application's
    assert resources["AuditFiltered"]["Condition"] == "WithLogsAndOther"
    assert template["Conditions"]["WithLogsAndOther"] == {
        "Fn::And": [{"Condition": "WithLogs"}, {"Condition": "Other"}]
    }


def test_the_resolver_reads_the_flattened_template(tmp_path: Path) -> None:
    resolver = Resolver(load_template(_project(tmp_path)), region="eu-west-1", parameters={"Logging": "false"})
    function = resolver.resolve(resolver.resources["OrdersGetFunction"]["Properties"]["Environment"])
    assert function["Variables"]["BUS"] == "sales-local-events"
    assert resolver.resolve(resolver.template["Outputs"]["Named"]["Value"]) == "table sales-local-OrdersTable"
    assert resolver.resolve({"Fn::Sub": ["${Prefix}-${AWS::StackName}", {"Prefix": "orders"}]}) == "orders-sales-local"
    assert resolver.condition("WithLogs") is False


def test_the_project_finds_routes_layers_and_code_of_nested_stacks(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path), region="eu-west-1")
    assert [(route.method, route.path, route.function_id) for route in project.routes] == [
        ("GET", "/orders/{id}", "OrdersGetFunction")
    ]
    function = project.functions["OrdersGetFunction"]
    assert function.code_dir == (tmp_path / "functions" / "orders" / "get").resolve()
    assert function.timeout == 30
    assert [path.relative_to(tmp_path.resolve()).as_posix() for path in project.layer_dirs] == [
        "layers/shared",
        "layers/orders",
        "layers/extra",
    ]


def test_a_template_without_local_nested_stacks_is_left_as_written(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text("Globals: {Function: {Timeout: 3}}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n")
    document = load_document(path)
    assert flatten(document, path) is document
    assert load_template(path) == document


@pytest.mark.parametrize(
    ("orders", "audit", "message"),
    [
        (ORDERS.replace("  Extra:\n", "  Bus:\n").replace("!Ref Extra", "!Ref Bus"), AUDIT, "Bus is declared in both"),
        (ORDERS.replace("  BusName: {Type: String}\n", ""), AUDIT, "passes BusName, which"),
        (ORDERS.replace("  Logging: {Type: String}\n", "  Logging: {Type: String}\n  Must: {Type: String}\n"), AUDIT,
         "passes no Must"),
        (ORDERS.replace('[!Ref Logging, "true"]', '[!Ref Logging, "1"]'), AUDIT, "the condition WithLogs differently"),
        (ORDERS, AUDIT.replace("Resources:\n", "Resources:\n  Loop: {Type: AWS::Serverless::Application, "
                               "Properties: {Location: audit.yaml}}\n"), "nested stacks include each other"),
    ],
)  # fmt: skip
def test_what_cannot_be_inlined_is_refused_by_name(tmp_path: Path, orders: str, audit: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_template(_project(tmp_path, orders=orders, audit=audit))


def test_an_output_the_child_lacks_is_refused(tmp_path: Path) -> None:
    root = ROOT_TEMPLATE.replace("Orders.Outputs.Url", "Orders.Outputs.Nope")
    with pytest.raises(ValueError, match="Orders has no output Nope"):
        load_template(_project(tmp_path, root=root))


def test_the_service_template_reads_as_one(tmp_path: Path) -> None:
    """The real tree: template.yaml with stacks/sales.yaml and stacks/billing.yaml."""
    repository = Path(__file__).resolve().parents[2]
    template = load_template(repository / "template.yaml")
    resources = template["Resources"]
    assert {"ServiceEventBus", "KernelLayer", "SalesApi", "SalesLayer", "BillingTable", "BillingLayer"} <= set(
        resources
    )
    assert not [name for name, resource in resources.items() if resource["Type"] == "AWS::Serverless::Application"]
    for name in ("SalesOutboxRelayFunction", "BillingOutboxRelayFunction"):
        properties = resources[name]["Properties"]
        assert properties["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": "ServiceEventBus"}
        assert properties["Layers"][0] == {"Ref": "KernelLayer"}
    assert (
        resources["BillingOutboxRelayFunction"]["Properties"]["Environment"]["Variables"]["EVENT_SOURCE"] == "billing"
    )
    resolver = Resolver(template, region="eu-west-1")
    assert resolver.physical_name("ServiceEventBus") == "sales-local-events"
    assert resolver.physical_name("BillingTable") == "sales-local-BillingTable"
