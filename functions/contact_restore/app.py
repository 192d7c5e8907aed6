"""sales.contact.restore: POST /sales/contacts/{id}/restore. Bring back a soft-deleted contact (its emails must still be free)."""

from sales.contracts.contacts import RESTORE
from sales.runtime.http import http_handler

lambda_handler = http_handler(RESTORE)
