"""sales.contact.create: POST /sales/contacts (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import CREATE
from sales.runtime.http import http_handler

lambda_handler = http_handler(CREATE)
