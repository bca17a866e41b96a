"""python -m dysta.extract: see dysta.extract.cli."""
import sys

from .cli import main

sys.exit(main())
