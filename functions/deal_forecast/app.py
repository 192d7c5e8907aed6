"""sales.deal.forecast: GET /sales/deals/stats/forecast. Open deals per expected-close month per currency: count, value and probability-weighted value."""

from sales.contracts.deals import FORECAST
from sales.runtime.http import http_handler

lambda_handler = http_handler(FORECAST)
