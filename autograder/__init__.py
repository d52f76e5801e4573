"""The course's grading engine: sandboxed, partial-credit grading of the
exercise notebooks, usable alone or from nbgrader (see docs/ARCHITECTURE.md)."""
