"""Generated documents must match what the code generates: drift fails the build, by file name."""

from tools import docs


def test_generated_documents_are_committed_and_current():
    stale = docs.drift(docs.generate())
    assert not stale, "out of date (run `make docs`): " + ", ".join(stale)
