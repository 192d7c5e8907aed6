"""Lambda glue: one factory binds a contract to API Gateway; envelopes, errors, principals, telemetry."""
