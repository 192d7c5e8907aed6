"""sales.conversation.set_delivery: PUT /sales/conversations/{id}/messages/{message_id}/delivery."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import SET_DELIVERY

lambda_handler = http_handler(SET_DELIVERY)
