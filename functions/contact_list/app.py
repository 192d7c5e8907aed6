"""sales.contact.list: GET /sales/contacts. List live contacts by name, or search by name prefix (q) or exact email."""

from sales.contracts.contacts import LIST
from sales.runtime.http import http_handler

lambda_handler = http_handler(LIST)
