#!/usr/bin/env python3
"""The old name of `python -m dysta.extract` (the ONNX extractor lives in the dysta package,
python/dysta/extract): same flags, messages prefixed `extract.py:`. Needs the package:
pip install -e 'python[extract]'."""
import sys

try:
    from dysta.extract.cli import main
except ImportError:
    print("extract.py: error: the dysta package is not installed: pip install -e 'python[extract]' "
          "(from the repository root)", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main(prog="extract.py", command="python3 tools/onnx-extract/extract.py"))
