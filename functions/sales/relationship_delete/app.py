"""sales.relationship.delete: DELETE /sales/contacts/{id}/relationships/{relationship_id}
(contract in sales.relationship.contracts)."""

from kernel.http.handler import http_handler
from sales.relationship.contracts import DELETE

lambda_handler = http_handler(DELETE)
