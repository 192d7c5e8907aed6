"""sales.quote.pdf: GET /sales/quotes/{id}/pdf (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import PDF

lambda_handler = http_handler(PDF)
