"""billing.job.complete: POST /billing/jobs/{id}/complete (contract in billing.job.contracts)."""

from billing.job.contracts import COMPLETE
from kernel.http.handler import http_handler

lambda_handler = http_handler(COMPLETE)
