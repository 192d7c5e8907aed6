"""`make bench`: cold starts, requests per operation, cost at two table sizes, hot items, warm overhead, package.

Run with `python -m bench` (see bench/__main__.py); tests/perf/ keeps the request counts from regressing.
Everything runs on this machine: DynamoDB and EventBridge are moto, nothing touches the network.
"""
