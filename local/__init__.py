"""Local runtime: serve and invoke the functions that `template.yaml` declares, without Docker or AWS.

Never deployed. `python -m local --help` lists the commands; docs/local-runtime.md explains the workflow.
"""

import sys
from pathlib import Path

# The kernel layer parses the dev bearer tokens (handlers read them under `sam local start-api`); the runtime
# uses the same parser whatever project it serves, so the layer's folder must be importable.
_KERNEL_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "kernel")
if _KERNEL_LAYER not in sys.path:
    sys.path.append(_KERNEL_LAYER)
