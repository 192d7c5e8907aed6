"""Jobs: the work a won deal calls for, opened from `deal.won` and billed once completed."""
