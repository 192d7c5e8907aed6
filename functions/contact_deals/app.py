"""sales.contact.deals: GET /sales/contacts/{id}/deals. List the live deals of a contact (as customer)."""

from sales.contracts.contacts import DEALS
from sales.runtime.http import http_handler

lambda_handler = http_handler(DEALS)
