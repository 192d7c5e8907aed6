"""sales.contact.delete: DELETE /sales/contacts/{id} (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import DELETE
from sales.runtime.http import http_handler

lambda_handler = http_handler(DELETE)
