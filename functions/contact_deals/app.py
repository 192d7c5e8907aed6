"""sales.contact.deals: GET /sales/contacts/{id}/deals (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import DEALS
from sales.runtime.http import http_handler

lambda_handler = http_handler(DEALS)
