"""sales.contact.update: PATCH /sales/contacts/{id} (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import UPDATE
from sales.runtime.http import http_handler

lambda_handler = http_handler(UPDATE)
