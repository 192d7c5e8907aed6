"""billing.job.list: GET /billing/jobs (contract in billing.job.contracts)."""

from billing.job.contracts import LIST
from kernel.http.handler import http_handler

lambda_handler = http_handler(LIST)
