"""sales.contact.update: PATCH /sales/contacts/{id}. Change some fields of a contact (absent fields stay)."""

from sales.contracts.contacts import UPDATE
from sales.runtime.http import http_handler

lambda_handler = http_handler(UPDATE)
