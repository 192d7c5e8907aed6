"""sales.contact.update: PATCH /sales/contacts/{id} (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import UPDATE

lambda_handler = http_handler(UPDATE)
