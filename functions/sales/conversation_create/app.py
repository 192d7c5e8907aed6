"""sales.conversation.create: POST /sales/conversations (contract in sales.conversation.contracts)."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import CREATE

lambda_handler = http_handler(CREATE)
