"""Who the caller is: the authorizer's claims, and the dev bearer token that stands in for them under
`sam local start-api` (where the Cognito authorizer is not emulated), and nowhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kernel.http.principal import DevTokenError, dev_token_claims, principal_from
from local.template import load_template

ROOT = Path(__file__).resolve().parents[2]

USER = "019b72b6-e679-7635-a86d-ac29a7923f3d"
PARTNER = "019b72b6-0000-7000-8000-0000000000aa"


def event(headers: dict[str, str] | None = None, claims: dict[str, Any] | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {"stage": "v1", "requestId": "r-1"}
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return {
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in (headers or {}).items()} or None,
        "requestContext": context,
    }


@pytest.mark.parametrize(
    ("token", "claims"),
    [
        ("Bearer dev:u:sales", {"sub": "u", "cognito:groups": "sales"}),
        ("Bearer dev:u:admin,sales", {"sub": "u", "cognito:groups": "admin,sales"}),
        ("Bearer dev:u:a,,b,", {"sub": "u", "cognito:groups": "a,b"}),
        ("Bearer dev:u:partner:p", {"sub": "u", "cognito:groups": "partner", "custom:partner_id": "p"}),
        ("  Bearer dev:u:sales  ", {"sub": "u", "cognito:groups": "sales"}),
    ],
)
def test_a_dev_token_stands_for_claims(token: str, claims: dict[str, str]) -> None:
    assert dev_token_claims(token) == claims


@pytest.mark.parametrize(
    "token",
    ["", "Bearer dev:u", "Bearer dev:u::p", "Bearer dev:u:,", "Token x", "Bearer dev:u:a:p:extra", "bearer dev:u:a",
     "Bearer eyJhbGciOi.x.y", "Bearer dev:u s:sales"],
)  # fmt: skip
def test_anything_else_is_not_a_dev_token(token: str) -> None:
    with pytest.raises(DevTokenError):
        dev_token_claims(token)


def test_the_authorizer_claims_make_the_principal() -> None:
    principal = principal_from(event(claims={"sub": USER, "cognito:groups": "admin", "email": "a@example.com"}))
    assert principal is not None
    assert (principal.user_id, principal.groups, principal.email) == (USER, frozenset({"admin"}), "a@example.com")


def test_under_sam_local_a_dev_token_stands_in_for_missing_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    principal = principal_from(event({"Authorization": f"Bearer dev:{USER}:partner,sales:{PARTNER}"}))
    assert principal is not None
    assert principal.user_id == USER
    assert principal.groups == frozenset({"partner", "sales"})
    assert principal.partner_id == PARTNER
    # Header names are case-insensitive; SAM may pass only the multi-value form.
    lower = principal_from(event({"authorization": f"Bearer dev:{USER}:admin"}))
    assert lower is not None and lower.groups == frozenset({"admin"})
    only_multi = {"multiValueHeaders": {"AUTHORIZATION": ["x", f"Bearer dev:{USER}:sales"]}, "requestContext": {}}
    multi = principal_from(only_multi)
    assert multi is not None and multi.user_id == USER


def test_under_sam_local_the_authorizer_claims_still_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    principal = principal_from(event({"Authorization": "Bearer dev:intruder:admin"}, claims={"sub": USER}))
    assert principal is not None and principal.user_id == USER and principal.groups == frozenset({"sales"})


@pytest.mark.parametrize("header", [None, "Bearer dev:u", "Bearer eyJhbGciOi.x.y", "Basic dXNlcjpwYXNz"])
def test_under_sam_local_no_usable_dev_token_is_no_principal(
    monkeypatch: pytest.MonkeyPatch, header: str | None
) -> None:
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    assert principal_from(event({"Authorization": header} if header is not None else None)) is None


@pytest.mark.parametrize("value", [None, "false", "1", "True", "TRUE", "yes", "", " true", "true "])
def test_anywhere_else_a_dev_token_is_ignored(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    else:
        monkeypatch.setenv("AWS_SAM_LOCAL", value)
    assert principal_from(event({"Authorization": f"Bearer dev:{USER}:admin"})) is None


def test_no_deployed_function_sets_aws_sam_local() -> None:
    """Setting it in the template would let dev tokens through in AWS: only the SAM CLI may set it."""
    template = load_template(ROOT / "template.yaml")
    variables = [((template.get("Globals") or {}).get("Function") or {}).get("Environment")]
    variables += [
        (resource.get("Properties") or {}).get("Environment")
        for resource in template["Resources"].values()
        if resource.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    ]
    assert not [found for found in variables if "AWS_SAM_LOCAL" in ((found or {}).get("Variables") or {})]
