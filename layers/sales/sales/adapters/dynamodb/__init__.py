"""Single-table DynamoDB store: keys, codecs, transactions with outbox and counters, queries."""
