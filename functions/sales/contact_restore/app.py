"""sales.contact.restore: POST /sales/contacts/{id}/restore (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import RESTORE

lambda_handler = http_handler(RESTORE)
