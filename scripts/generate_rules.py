"""Rewrite (or, with --check, check) the regions generated from kg/verdicts.py.

The verdict ladder, the strength grades and the disagreement rules have one home,
kg/verdicts.py. docs/summary-rules.md and the saved queries carry copies of them between
`BEGIN generated: WHAT` and `END generated` comment lines; this script rewrites those
regions from the tables (tests/test_verdicts.py fails when one is stale).

    python scripts/generate_rules.py          # rewrite stale regions
    python scripts/generate_rules.py --check  # exit 1 and name the stale files
"""

from __future__ import annotations

import sys

from kg.verdicts import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] if "--check" in sys.argv else ["--write"]))
