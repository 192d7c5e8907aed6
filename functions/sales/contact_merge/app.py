"""sales.contact.merge: POST /sales/contacts/{id}/merge (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import MERGE

lambda_handler = http_handler(MERGE)
