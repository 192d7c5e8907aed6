"""sales.contact.create: POST /sales/contacts. Create a contact (organization or person)."""

from sales.contracts.contacts import CREATE
from sales.runtime.http import http_handler

lambda_handler = http_handler(CREATE)
