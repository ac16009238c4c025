"""`python -m curation` runs the `mapcurate` command line."""

from curation.cli import main

main()
