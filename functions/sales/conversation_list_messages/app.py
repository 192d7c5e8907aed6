"""sales.conversation.list_messages: GET /sales/conversations/{id}/messages."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import LIST_MESSAGES

lambda_handler = http_handler(LIST_MESSAGES)
