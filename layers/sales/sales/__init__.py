"""Sales bounded context: the shared layer (domain, contracts, application, adapters, runtime)."""
