"""sales.contact.delete: DELETE /sales/contacts/{id}. Soft-delete a contact that has no live deals; its emails become free."""

from sales.contracts.contacts import DELETE
from sales.runtime.http import http_handler

lambda_handler = http_handler(DELETE)
