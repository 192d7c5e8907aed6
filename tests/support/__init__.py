"""The one home of the tests' shared helpers (fixtures stay in the conftest.py files).

api: drive the handlers in-process (Api, Lambdas, invoke) · aws: the moto account, its bus queues ·
events: API Gateway events, claims · streams: the table stream, the outbox rows it carried ·
table: the test's own reads of the tables (Snapshot, nothing_written) · assertions: the error envelope ·
samples: sample ids, dates and bodies · examples: running contract acceptance examples ·
faults: fault injection and call recording on the service's clients · recount: stats recounted from lists ·
fakes: in-memory stores for use-case unit tests · spec: facts quoted from the SPEC.
"""
