"""sales.deal.reallocate_distributor: PUT /sales/deals/{id}/distributor (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import REALLOCATE

lambda_handler = http_handler(REALLOCATE)
