"""sales.contact.get: GET /sales/contacts/{id} (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import GET

lambda_handler = http_handler(GET)
