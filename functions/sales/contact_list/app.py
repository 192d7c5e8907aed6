"""sales.contact.list: GET /sales/contacts (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import LIST

lambda_handler = http_handler(LIST)
