"""sales.conversation.move_folder: PUT /sales/conversations/{id}/folder (contract in sales.conversation.contracts)."""

from kernel.http.handler import http_handler
from sales.conversation.contracts import MOVE_FOLDER

lambda_handler = http_handler(MOVE_FOLDER)
