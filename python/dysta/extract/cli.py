"""The command line of the ONNX extractor: python -m dysta.extract --model X.onnx --inputs DIR --out W/

Any ONNX model becomes a Dysta workload (native trace format dysta-trace/1).

  python -m dysta.extract --model X.onnx --inputs DIR --out W/ [--kind auto|cnn|attention] [options]

CNN (Conv / Gemm / MatMul layers): per sample and layer the zero fractions, effectual MACs and
the Eyeriss-V2 column counts of dysta.extract.cnn, for each weight-pruning pattern (magnitude
pruning of the model's own initializers, the pruned model is run). Attention (explicit
Softmax): per sample and attention layer the Sanger density over valid query-key pairs and the
pack-and-split load balance of dysta.extract.attention.

Images: --inputs is a folder of image files (sorted by name) with declared preprocessing
(--size, --channels, --layout, --scale, --mean, --std or --preprocess CONFIG.json).
Text: a folder of .txt files (one sample per file, or per line with --text-per-line) and
--tokenizer tokenizer.json. The result is written to a temporary folder and moved to --out
only when complete. See tools/onnx-extract/README.md and docs/your-own-model.md.
"""
import argparse
import shlex
import sys

from ..errors import ExtractError
from ._common import one_thread

PROG = "dysta.extract"
COMMAND = "python -m dysta.extract"
INSTALL = "pip install -e 'python[extract]' (a checkout) or pip install 'dysta[extract]'"


def floats(s):
    try:
        v = [float(x) for x in s.replace(" ", "").split(",") if x]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {s!r}")
    return v


def size(s):
    try:
        parts = [int(x) for x in s.lower().replace("x", ",").split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {s!r}")
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {s!r}")
    return parts


def parser(prog=PROG):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="the ONNX file")
    ap.add_argument("--inputs", required=True, help="folder of images or of .txt files")
    ap.add_argument("--out", required=True, help="workload folder to write (dysta --traces DIR)")
    ap.add_argument("--kind", choices=["auto", "cnn", "attention"], default="auto",
                    help="auto: attention if the graph has attention Softmax nodes, else cnn")
    ap.add_argument("--arch", help="architecture key of the variants (default: model file stem)")
    ap.add_argument("--name", help="workload name (default: the --out folder name)")
    ap.add_argument("--description", help="workload description (one paragraph)")
    ap.add_argument("--source", default="", help="where the ONNX file comes from (free text for "
                                                  "the provenance, e.g. 'PyPI wheel X 1.0, path/in/wheel')")
    ap.add_argument("--limit", type=int, help="first N samples only")
    ap.add_argument("--force", action="store_true", help="replace an existing --out folder")
    ap.add_argument("--append", action="store_true",
                    help="add (or replace) this architecture's variants in an existing workload")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    ap.add_argument("--debug", action="store_true", help="full traceback on errors")
    g = ap.add_argument_group("CNN")
    g.add_argument("--patterns", default=None,
                   help="comma-separated pruning patterns: dense, unstructuredP, filterP, block4-P "
                        "(default: dense,unstructured20,unstructured60,filter20,block4-20,block4-60)")
    g.add_argument("--prune-first-last", action="store_true",
                   help="also prune the first and the last layer (default: never pruned)")
    g.add_argument("--keep-dense", default="", help="comma-separated ONNX node names never pruned")
    g = ap.add_argument_group("images")
    g.add_argument("--preprocess", help="JSON file with keys size, resize, channels, layout, "
                                        "scale, mean, std (flags below override it)")
    g.add_argument("--size", type=size, help="N or HxW (default: the model's fixed input size)")
    g.add_argument("--resize", choices=["cover", "stretch"],
                   help="images of another size: cover = scale to cover, centre crop (default); "
                        "stretch = resize to HxW")
    g.add_argument("--channels", choices=["rgb", "bgr"], help="channel order (default rgb)")
    g.add_argument("--layout", choices=["nchw", "nhwc"], help="default: from the model input")
    g.add_argument("--scale", type=float, help="pixel multiplier before mean/std (e.g. 0.00392156862745098)")
    g.add_argument("--mean", type=floats, help="3 values, in channel order (default 0,0,0)")
    g.add_argument("--std", type=floats, help="3 values, in channel order (default 1,1,1)")
    g = ap.add_argument_group("text / attention")
    g.add_argument("--tokenizer", help="tokenizer.json (default: tokenizer.json beside the model, "
                                       "then in --inputs)")
    g.add_argument("--text-per-line", action="store_true", help="each non-empty line is a sample")
    g.add_argument("--max-tokens", type=int, default=512, help="truncation (default 512)")
    g.add_argument("--pad-to", type=int, help="run every sample padded to N tokens with an attention "
                                              "mask (default: real length, or the model's fixed length)")
    g.add_argument("--pad-id", type=int, default=0, help="token id of padding (default 0)")
    g.add_argument("--threshold", type=float, default=2e-3,
                   help="softmax probability above which a pair is kept (default 2e-3)")
    g.add_argument("--causal", choices=["auto", "yes", "no"], default="auto",
                   help="auto: a layer is causal when no query attends to a later token")
    g.add_argument("--hidden", type=int, help="model width for the Sanger model (default heads x head_dim)")
    return ap


def main(argv=None, prog=PROG, command=COMMAND):
    """Run the command line; returns the exit status (0 ok, 2 refused, 1 internal error,
    130 interrupted). ``prog`` names the command in messages, ``command`` is recorded in the
    provenance followed by the arguments."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser(prog).parse_args(argv)
    one_thread()
    try:
        from .onnx import run
    except ImportError as e:
        print(f"{prog}: error: missing Python package ({e.name}): {INSTALL}", file=sys.stderr)
        return 2
    try:
        run.run(args, command + " " + " ".join(shlex.quote(a) for a in argv))
        return 0
    except ExtractError as e:
        if args.debug:
            raise
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted (nothing written)", file=sys.stderr)
        return 130
    except Exception as e:            # anything unforeseen: still one line, nothing written
        if args.debug:
            raise
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        print(f"{prog}: error: {args.model}: internal error {type(e).__name__}: {msg} "
              f"(--debug shows the traceback)", file=sys.stderr)
        return 1
