"""sales.contact.duplicates: GET /sales/contacts/{id}/duplicates (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import DUPLICATES

lambda_handler = http_handler(DUPLICATES)
