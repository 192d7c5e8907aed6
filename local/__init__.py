"""Local runtime: serve and invoke the functions that `template.yaml` declares, without Docker or AWS.

Never deployed. `python -m local --help` lists the commands; docs/local-runtime.md explains the workflow.
"""
