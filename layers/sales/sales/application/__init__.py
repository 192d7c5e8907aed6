"""Use cases: one function per operation, load -> domain method -> save with events."""
