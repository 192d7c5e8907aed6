"""sales.lead.of_contact: GET /sales/contacts/{id}/leads (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import OF_CONTACT

lambda_handler = http_handler(OF_CONTACT)
