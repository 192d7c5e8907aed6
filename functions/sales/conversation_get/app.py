"""sales.conversation.get: GET /sales/conversations/{id} (contract in sales.conversation.contracts)."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import GET

lambda_handler = http_handler(GET)
