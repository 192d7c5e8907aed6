"""sales.activity.log: POST /sales/activities (contract in sales.activity.contracts)."""

from kernel.http.handler import http_handler
from sales.activity.contracts import LOG

lambda_handler = http_handler(LOG)
