"""sales.contact.list: GET /sales/contacts (contract in sales.contracts.contacts)."""

from sales.contracts.contacts import LIST
from sales.runtime.http import http_handler

lambda_handler = http_handler(LIST)
