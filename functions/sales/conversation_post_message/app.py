"""sales.conversation.post_message: POST /sales/conversations/{id}/messages."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import POST_MESSAGE

lambda_handler = http_handler(POST_MESSAGE)
