"""sales.conversation.list: GET /sales/conversations (contract in sales.conversation.contracts)."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import LIST

lambda_handler = http_handler(LIST)
