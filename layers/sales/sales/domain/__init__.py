"""Pure domain model: aggregates, value objects, invariants and domain events. No I/O, no boto3."""
