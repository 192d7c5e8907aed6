"""sales.contact.network: GET /sales/contacts/{id}/network (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import NETWORK

lambda_handler = http_handler(NETWORK)
