"""sales.contact.get: GET /sales/contacts/{id} (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import GET
from sales.runtime.http import http_handler

lambda_handler = http_handler(GET)
