"""sales.activity.void: POST /sales/activities/{id}/void (contract in sales.activity.contracts)."""

from kernel.http.handler import http_handler
from sales.activity.contracts import VOID

lambda_handler = http_handler(VOID)
