"""sales.deal.delete: DELETE /sales/deals/{id}. Soft-delete a deal: it leaves gets, lists and stats until restored."""

from sales.contracts.deals import DELETE
from sales.runtime.http import http_handler

lambda_handler = http_handler(DELETE)
