"""Developer tools (never deployed): documentation generators and checks."""
