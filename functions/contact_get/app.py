"""sales.contact.get: GET /sales/contacts/{id}. Read one live contact."""

from sales.contracts.contacts import GET
from sales.runtime.http import http_handler

lambda_handler = http_handler(GET)
