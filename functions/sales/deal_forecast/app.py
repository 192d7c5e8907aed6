"""sales.deal.forecast: GET /sales/deals/stats/forecast (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import FORECAST

lambda_handler = http_handler(FORECAST)
