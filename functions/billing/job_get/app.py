"""billing.job.get: GET /billing/jobs/{id} (contract in billing.job.contracts)."""

from billing.job.contracts import GET
from kernel.http.handler import http_handler

lambda_handler = http_handler(GET)
