"""sales.deal.forecast: GET /sales/deals/stats/forecast (contract in sales.contracts.deals)."""

from sales.contracts.deals import FORECAST
from sales.runtime.http import http_handler

lambda_handler = http_handler(FORECAST)
