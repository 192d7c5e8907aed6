"""sales.relationship.create: POST /sales/contacts/{id}/relationships (contract in sales.relationship.contracts)."""

from kernel.http.handler import http_handler
from sales.relationship.contracts import CREATE

lambda_handler = http_handler(CREATE)
