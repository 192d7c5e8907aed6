"""sales.contact.convert: POST /sales/contacts/{id}/convert (contract in sales.contact.contracts)."""

from kernel.http.handler import http_handler
from sales.contact.contracts import CONVERT

lambda_handler = http_handler(CONVERT)
