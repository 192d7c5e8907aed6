"""`/openapi.json` and the Swagger UI at `/docs` on the local server, the UI driven in a real headless Chromium.

The browser is Debian's `chromium` with its `chromium-driver` (`make unit` installs both when missing), driven
by Selenium through that system chromedriver: nothing is downloaded, the page needs no network but the server.
Set CHROMIUM / CHROMEDRIVER to use other binaries.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.harness import REPO, LocalServer

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# Headless, as root, on a machine without network: no sandbox, no GPU, nothing phoning home.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--window-size=1400,2000",
)
UI_TIMEOUT = 20.0
USER = "019b72b6-0000-7000-8000-00000000d0c5"
PASTE = """
const [editor, text] = arguments;
Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(editor, text);
editor.dispatchEvent(new Event("input", {bubbles: true}));
"""

T = TypeVar("T")


def spec() -> dict[str, Any]:
    return dict(json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8")))


def response_validator(method: str, path: str, status: int) -> Draft202012Validator:
    """The JSON Schema docs/openapi.json gives the response body (its `#/components/...` refs resolve)."""
    document = spec()
    schema = document["paths"][path][method.lower()]["responses"][str(status)]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": document["components"]}, format_checker=FormatChecker())


# -- without a browser --------------------------------------------------------------------------------------


def test_openapi_json_is_the_committed_spec_pointed_at_this_server(sales_server: LocalServer) -> None:
    reply = sales_server.request("GET", "/openapi.json")
    assert reply.status == 200, reply.body
    assert reply.header("Content-Type") == ["application/json"]
    served = reply.json
    assert [server["url"] for server in served.pop("servers")] == [sales_server.url, sales_server.url + "/v1"]
    committed = spec()
    committed.pop("servers")
    assert served == committed


def test_the_docs_page_loads_nothing_from_elsewhere(sales_server: LocalServer) -> None:
    page = sales_server.request("GET", "/docs")
    assert page.status == 200
    assert page.header("Content-Type") == ["text/html; charset=utf-8"]
    html = page.body.decode("utf-8")
    assert "SwaggerUIBundle(" in html and 'url: "/openapi.json"' in html
    assert not re.search(r"(?:https?:)?//", html), "the page names another origin (a CDN?)"
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [url for url in linked if not url.startswith("data:")]
    assert sorted(assets) == ["/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"]
    for url, content_type, marker in (
        ("/docs/swagger-ui-bundle.js", "application/javascript", b"SwaggerUIBundle"),
        ("/docs/swagger-ui.css", "text/css", b".swagger-ui"),
    ):
        asset = sales_server.request("GET", url)
        assert asset.status == 200, url
        assert asset.header("Content-Type")[0].startswith(content_type)
        assert marker in asset.body


def test_docs_endpoints_answer_with_the_error_envelope(sales_server: LocalServer) -> None:
    missing = sales_server.request("GET", "/docs/swagger-ui-standalone-preset.js")
    assert (missing.status, missing.json["error"]["code"]) == (404, "ROUTE_NOT_FOUND")
    posted = sales_server.request("POST", "/openapi.json", {})
    assert (posted.status, posted.json["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_the_banner_names_the_docs(sales_server: LocalServer) -> None:
    banner = sales_server.log_path.read_text(errors="replace")
    assert f"Docs       {sales_server.url}/docs " in banner
    assert f"{sales_server.url}/openapi.json " in banner


def test_a_project_without_an_openapi_document_has_no_docs(fixture_server: LocalServer) -> None:
    for path in ("/docs", "/openapi.json"):
        reply = fixture_server.request("GET", path)
        assert (reply.status, reply.json["error"]["code"]) == (404, "ROUTE_NOT_FOUND"), path
    assert "  Docs  " not in fixture_server.log_path.read_text(errors="replace")


# -- in Chromium ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not installed: the Swagger UI test needs Debian's chromium and "
            "chromium-driver. `make unit` installs them (apt-get install chromium chromium-driver), or set "
            "CHROMIUM and CHROMEDRIVER to a Chromium and its matching chromedriver.",
            pytrace=False,
        )
    folder = tmp_path_factory.mktemp("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={folder / 'profile'}"):
        options.add_argument(flag)
    # An explicit driver path: Selenium Manager (which would download one) is never run.
    service = Service(executable_path=CHROMEDRIVER, log_output=str(folder / "chromedriver.log"))
    try:
        driver = webdriver.Chrome(options=options, service=service)
    except WebDriverException as error:
        log = (folder / "chromedriver.log").read_text(errors="replace")[-3000:]
        pytest.fail(f"cannot start {CHROMIUM} through {CHROMEDRIVER}: {error.msg}\n{log}", pytrace=False)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


def wait(driver: WebDriver, condition: Callable[[WebDriver], T | None], what: str) -> T:
    try:
        return WebDriverWait(driver, UI_TIMEOUT).until(lambda d: condition(d))  # type: ignore[arg-type]
    except TimeoutException:
        raise AssertionError(f"the Swagger UI did not {what} within {UI_TIMEOUT}s") from None


def open_docs(driver: WebDriver, server: LocalServer) -> list[WebElement]:
    driver.get(server.url + "/docs")
    count = sum(len(methods) for methods in spec()["paths"].values())
    return wait(
        driver,
        lambda d: (blocks := d.find_elements(By.CSS_SELECTOR, ".opblock")) and len(blocks) == count and blocks,
        f"render {count} operations",
    )


def operation(driver: WebDriver, method: str, path: str) -> WebElement:
    for block in driver.find_elements(By.CSS_SELECTOR, f".opblock-{method.lower()}"):
        if block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path") == path:
            return block
    raise AssertionError(f"no {method} {path} on the page")


def try_it_out(driver: WebDriver, block: WebElement, body: dict[str, Any] | None = None) -> tuple[int, Any, str]:
    """Expand the operation, "Try it out", optionally replace the body, "Execute": (status, body, curl)."""
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    wait(driver, lambda _: block.find_elements(By.CSS_SELECTOR, "button.try-out__btn"), "offer Try it out")[0].click()
    execute = wait(driver, lambda _: block.find_elements(By.CSS_SELECTOR, "button.execute"), "offer Execute")[0]
    if body is not None:
        # As a paste into the body editor (typing it key by key takes seconds): the value, then React's event.
        editor = block.find_element(By.CSS_SELECTOR, "textarea.body-param__text")
        driver.execute_script(PASTE, editor, json.dumps(body))
        assert json.loads(editor.get_attribute("value") or "") == body
    execute.click()
    live = ".live-responses-table tbody tr.response"
    row = wait(driver, lambda _: block.find_elements(By.CSS_SELECTOR, live), "show the live response")[0]
    status = int(row.find_element(By.CSS_SELECTOR, ".response-col_status").text.strip())
    text = row.find_element(By.CSS_SELECTOR, ".highlight-code code").get_attribute("textContent") or ""
    curl = block.find_element(By.CSS_SELECTOR, ".curl-command").get_attribute("textContent") or ""
    return status, json.loads(text), curl


def test_the_page_lists_every_operation_of_the_spec_and_loads_only_from_this_server(
    sales_server: LocalServer, browser: WebDriver
) -> None:
    blocks = open_docs(browser, sales_server)
    shown = {
        (
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text,
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"),
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-operation-id").text,
        )
        for block in blocks
    }
    documented = {
        (method.upper(), path, details["operationId"])
        for path, methods in spec()["paths"].items()
        for method, details in methods.items()
    }
    assert shown == documented
    assert ("POST", "/sales/deals", "sales.deal.create") in shown
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(sales_server.url + "/") for url in loaded), loaded


def test_try_it_out_on_pipeline_stats_shows_the_documented_envelope(
    sales_server: LocalServer, browser: WebDriver
) -> None:
    contact = {"kind": "organization", "display_name": "Pipeline Page Co", "emails": ["pipeline@page.example"]}
    customer = sales_server.request("POST", "/sales/contacts", contact).json["data"]["id"]
    deal = {"customer_id": customer, "name": "Seen on the page", "value": 4200, "currency": "EUR"}
    created = sales_server.request("POST", "/sales/deals", {**deal, "expected_close_date": "2031-01-31"})
    assert created.status == 201, created.body

    open_docs(browser, sales_server)
    status, body, curl = try_it_out(browser, operation(browser, "GET", "/sales/deals/stats/pipeline"))

    assert status == 200, body
    response_validator("GET", "/sales/deals/stats/pipeline", 200).validate(body)
    assert body["status"] == "success"
    stages = spec()["components"]["schemas"]["Stage"]["enum"]
    assert set(body["data"]["stats"]) == set(stages)
    assert body["data"]["stats"]["lead"] >= 1 and body["data"]["open_value"]["lead"]["EUR"] >= 4200
    # The page called this server, without a token: the default dev principal answered, as curl would get.
    assert f"'{sales_server.url}/sales/deals/stats/pipeline'" in curl and "Authorization" not in curl
    assert sales_server.request("GET", "/sales/deals/stats/pipeline").json == body


def test_a_deal_created_from_the_page_with_a_dev_token(sales_server: LocalServer, browser: WebDriver) -> None:
    contact = {"kind": "person", "display_name": "Token Page Person", "emails": ["token@page.example"]}
    customer = sales_server.request("POST", "/sales/contacts", contact).json["data"]["id"]

    open_docs(browser, sales_server)
    browser.find_element(By.CSS_SELECTOR, ".auth-wrapper button.authorize").click()
    field = wait(browser, lambda d: d.find_elements(By.ID, "auth-bearer-value"), "open the Authorize dialog")[0]
    field.send_keys(f"dev:{USER}:sales,admin")
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.authorize").click()
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.btn-done").click()

    deal = {
        "customer_id": customer,
        "name": "Created in Swagger UI",
        "value": 1234500,
        "currency": "EUR",
        "expected_close_date": "2031-06-30",
    }
    status, body, curl = try_it_out(browser, operation(browser, "POST", "/sales/deals"), deal)

    assert status == 201, body
    response_validator("POST", "/sales/deals", 201).validate(body)
    data = body["data"]
    assert (data["customer_id"], data["name"], data["stage"], data["probability"]) == (
        customer,
        "Created in Swagger UI",
        "lead",
        10,
    )
    # The bearer value reached the runtime as the caller: a new deal is assigned to its creator by default.
    assert data["assigned_to"] == USER
    assert f"Authorization: Bearer dev:{USER}:sales,admin" in curl
    assert "Idempotency-Key" not in curl and "If-Match" not in curl
    assert f'"customer_id": "{customer}"' in curl
    stored = sales_server.request("GET", f"/sales/deals/{data['id']}").json
    assert stored["data"]["name"] == "Created in Swagger UI"
