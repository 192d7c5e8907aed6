"""Operation contracts: each operation declared once (see contracts/base.py)."""
