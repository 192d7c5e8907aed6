"""sales.conversation.forward: POST /sales/conversations/{id}/forward (contract in sales.conversation.contracts)."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import FORWARD

lambda_handler = http_handler(FORWARD)
