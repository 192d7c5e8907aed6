"""sales.activity.get: GET /sales/activities/{id} (contract in sales.activity.contracts)."""

from kernel.http.handler import http_handler
from sales.activity.contracts import GET

lambda_handler = http_handler(GET)
