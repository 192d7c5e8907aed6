"""Invoices: what a completed job is billed, its payments applied until it is settled, voided or overdue."""
