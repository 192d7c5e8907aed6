"""The Billing context: jobs opened from won deals, invoices and payments.

It learns of a sale only from `deal.won` on the bus, by that event's published schema; it never imports the
Sales package nor reads the Sales table (import-linter checks the first in `make lint`)."""
