"""sales.relationship.list: GET /sales/contacts/{id}/relationships (contract in sales.relationship.contracts)."""

from kernel.http.handler import http_handler
from sales.relationship.contracts import LIST

lambda_handler = http_handler(LIST)
