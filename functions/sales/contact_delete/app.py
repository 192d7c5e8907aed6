"""sales.contact.delete: DELETE /sales/contacts/{id} (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import DELETE

lambda_handler = http_handler(DELETE)
