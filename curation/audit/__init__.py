"""Audit published ReasonMap / ReasonMap-Plus rows against the curated graphs.

`audit(questions, plus, graphs, out)` reads a Parquet in the benchmark's own layout
(`layout`), checks every row against its city's `graph.json` (`routes` for the route rows, `plus`
for the detail rows, `labels` for the difficulty and count labels both carry) and writes a JSON line
per row and a summary by defect class and city (`report`). Defect classes are listed in `defects`.
"""

from curation.audit.run import AuditReport, audit

__all__ = ["AuditReport", "audit"]
