"""`python -m curation` runs the `mapcurate` command line (Ctrl-C while it loads: exit 130, no traceback)."""

import sys

try:
    from curation.cli import main
except KeyboardInterrupt:
    sys.exit(130)

main()
