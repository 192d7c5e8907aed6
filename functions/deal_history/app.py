"""sales.deal.history: GET /sales/deals/{id}/history. Every stage change of a deal: from, to, actor, at, and the time spent in the stage left."""

from sales.contracts.deals import HISTORY
from sales.runtime.http import http_handler

lambda_handler = http_handler(HISTORY)
