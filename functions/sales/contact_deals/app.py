"""sales.contact.deals: GET /sales/contacts/{id}/deals (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import DEALS

lambda_handler = http_handler(DEALS)
