"""sales.contact.create: POST /sales/contacts (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import CREATE

lambda_handler = http_handler(CREATE)
