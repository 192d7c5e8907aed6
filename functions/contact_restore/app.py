"""sales.contact.restore: POST /sales/contacts/{id}/restore (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import RESTORE
from sales.runtime.http import http_handler

lambda_handler = http_handler(RESTORE)
