"""`sam local start-api` does not emulate the Cognito authorizer: requests reach the real handlers without
claims. Only there (AWS_SAM_LOCAL is exactly "true") does a dev bearer token name the caller; a deployed-like
environment ignores it and the same request is 401."""

from __future__ import annotations

import pytest

from tests.support.api import Api

USER = "019b72b6-e679-7635-a86d-ac29a7923f3d"
PARTNER = "019b72b6-0000-7000-8000-0000000000aa"
CONTACT = {"kind": "organization", "display_name": "Federated Ltd", "emails": ["hello@federated.example"]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_under_sam_local_a_dev_token_is_the_caller(api: Api, monkeypatch: pytest.MonkeyPatch, future: str) -> None:
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    created = api.post("/sales/contacts", CONTACT, headers=bearer(f"dev:{USER}:sales"), anonymous=True)
    assert created.status == 201, created.body
    assert created.data["owner_id"] == USER

    deal = api.post(
        "/sales/deals",
        {"customer_id": created.data["id"], "name": "Via SAM", "value": 100, "currency": "EUR",
         "expected_close_date": future},
        headers=bearer(f"dev:{USER}:sales"),
        anonymous=True,
    )  # fmt: skip
    assert deal.status == 201, deal.body
    assert deal.data["assigned_to"] == USER

    admin = api.get(f"/sales/deals/{deal.data['id']}", headers=bearer("dev:019b72b6-0000-7000-8000-00000000ad01:admin"),
                    anonymous=True)  # fmt: skip
    assert admin.status == 200, admin.body
    # A partner acts only for its own partner id: this deal is not one of its.
    partner = api.get("/sales/deals", headers=bearer(f"dev:{USER}:partner:{PARTNER}"), anonymous=True)
    assert partner.status == 403, partner.body
    assert partner.error_code == "FORBIDDEN"


@pytest.mark.parametrize("token", ["dev:only-a-user", "eyJhbGciOi.x.y"])
def test_under_sam_local_anything_but_a_dev_token_is_401(api: Api, monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    reply = api.post("/sales/contacts", CONTACT, headers=bearer(token), anonymous=True)
    assert reply.status == 401, reply.body
    assert reply.error_code == "UNAUTHENTICATED"


@pytest.mark.parametrize("value", [None, "false", "1", "True", "yes", ""])
def test_a_deployed_like_environment_ignores_dev_tokens(
    api: Api, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    else:
        monkeypatch.setenv("AWS_SAM_LOCAL", value)
    reply = api.post("/sales/contacts", CONTACT, headers=bearer(f"dev:{USER}:admin"), anonymous=True)
    assert reply.status == 401, reply.body
    assert reply.error_code == "UNAUTHENTICATED"
    assert api.get("/sales/contacts").status == 200  # the authorizer's claims still work
