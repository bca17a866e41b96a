"""Mutation check of python/tests/test_extract*.py and test_trace_extract*.py: each mutation
breaks the extractor (or the shared counting code) once on purpose, in a copy of python/; the
tests run against the copy (PYTHONPATH) and must fail.

  .venv/bin/python tools/onnx-extract/mutation_check.py [NAME ...]     (pip install -e 'python[extract,test]')

Prints, per mutation, the tests that failed; every test of test_extract.py appears at least
once (checked at the end). Takes a few minutes.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
SRC = Path(__file__).resolve().parents[2]
MUTS = [
 ("slice", "python/dysta/extract/onnx/extractor.py", "pr = np.ascontiguousarray(p3[:, :L, :L])", "pr = np.ascontiguousarray(p3)"),
 ("causal-off", "python/dysta/extract/onnx/extractor.py", "a.causal = bool(np.all(", "a.causal = False and bool(np.all("),
 ("pad-ignored", "python/dysta/extract/onnx/graph.py", "    return (pv[hb], pv[hb + r], pv[wb], pv[wb + r])", "    return (0, 0, 0, 0)"),
 ("no-residual", "python/dysta/extract/onnx/graph.py", 'if n.op_type == "Add" and G.const(', 'if False and G.const('),
 ("no-bn-fold", "python/dysta/extract/onnx/graph.py", "                scale = scale * v\n", "                scale = scale\n"),
 ("commit-early", "python/dysta/extract/onnx/extractor.py", "        self.tmp.mkdir()\n", "        self.tmp = self.out\n        self.tmp.mkdir(exist_ok=True)\n"),
 ("no-shape-check", "python/dysta/extract/onnx/extractor.py", "                if isinstance(d, int) and d > 0 and d != w:", "                if False:"),
 ("no-unmappable", "python/dysta/extract/onnx/graph.py", 'UNMAPPABLE = {"ConvTranspose", ', 'UNMAPPABLE = {'),
 ("no-fused-check", "python/dysta/extract/onnx/graph.py", "        if n.op_type in FUSED_ATTENTION:\n            raise", "        if False:\n            raise"),
 ("limit-ignored", "python/dysta/extract/onnx/run.py", "        inputs.limit(opts.limit)", "        pass"),
 ("heads-wrong", "python/dysta/extract/onnx/extractor.py", "a.heads = int(p3.shape[0])", "a.heads = int(p3.shape[0]) + 1"),
 ("mask-filter", "python/dysta/extract/onnx/graph.py", "        added.append(helper.make_node(\"Mul\", [end, kname]", "        0 and added.append(helper.make_node(\"Mul\", [end, kname]"),
 ("stride1-macs", "python/dysta/extract/cnn/counting.py", "        macs1 = effectual_macs(x, w, 1, same_pads(R, S), groups)", "        macs1 = macs"),
 ("threshold", "python/dysta/extract/attention/cells.py", "    m = p > threshold", "    m = p >= threshold * 0.5"),
 ("exit-1", "python/dysta/extract/cli.py", "        print(f\"{prog}: error: {e}\", file=sys.stderr)\n        return 2", "        print(f\"{prog}: error: {e}\", file=sys.stderr)\n        return 1"),
 ("empty-folder", "python/dysta/extract/onnx/samples.py", "    if not files:\n", "    if False:\n"),
 ("tok-missing", "python/dysta/extract/onnx/run.py", "        if tok is None:\n            raise", "        if tok is None:\n            tok = 'tokenizer.json'\n        if False:\n            raise"),
 ("not-onnx", "python/dysta/extract/onnx/extractor.py", 'raise ExtractError(p, f"not an ONNX model ({', 'raise ExtractError(p, f"bad model ({'),
 ("layer-name", "python/dysta/extract/onnx/graph.py", "        self.name = node_name(node)", "        self.name = node.op_type + node_name(node)"),
 ("nonlin-none", "python/dysta/extract/onnx/graph.py", "        return users[0].output[0], users[0].op_type", "        return None"),
 ("silu-off", "python/dysta/extract/onnx/graph.py", "    return _gated(G, t)", "    return None"),
 ("dfl-unrefused", "python/dysta/extract/onnx/run.py", "        if not counting.artifact_fits(lay.W, lay.R, lay.c0):", "        if False:"),
 ("lb", "python/dysta/extract/attention/cells.py", "    lb = kept / (PES * segs) if segs else 1.0", "    lb = kept / (PES * segs + 1) if segs else 1.0"),
 ("config-ignored", "python/dysta/extract/onnx/samples.py", "            setattr(p, k, v)", "            pass"),
 ("append-drops", "python/dysta/extract/onnx/run.py", '            keep_models = [m for m in old["models"] if m["architecture"] != arch]', "            keep_models = []"),
 ("per-line-off", "python/dysta/extract/onnx/samples.py", "            if per_line:", "            if False:"),
 ("message-no-path", "python/dysta/errors.py", 'return self.message if self.path is None else f"{self.path}: {self.message}"', "return self.message"),
 ("eager-onnx", "python/dysta/extract/__init__.py", "from .api import extract_onnx\n", "import onnx  # noqa: F401\nfrom .api import extract_onnx\n"),
 ("depthwise-group", "python/dysta/extract/onnx/extractor.py", "            groups = int(a.get(\"group\", 1))", "            groups = 1 if int(a.get(\"group\", 1)) == 2 else int(a.get(\"group\", 1))"),
]
sel = sys.argv[1:] or [m[0] for m in MUTS]
caught, survived = set(), 0
for name, f, old, new in MUTS:
    if name not in sel: continue
    d = Path(tempfile.gettempdir()) / "onnx-extract-mutants"
    if d.exists(): shutil.rmtree(d)
    shutil.copytree(SRC / "python", d / "python", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    (d / "tools/onnx-extract").mkdir(parents=True)
    shutil.copy(SRC / "tools/onnx-extract/extract.py", d / "tools/onnx-extract/extract.py")
    p = d / f
    s = p.read_text()
    assert s.count(old) == 1, (name, s.count(old))
    p.write_text(s.replace(old, new))
    tests_run = sorted(str(t) for t in (d / "python/tests").glob("test_*extract*.py"))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + tests_run, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(d / "python")))
    failed = sorted(set(re.findall(r"FAILED \S+::(\w+)", r.stdout)))
    print(f"{name:16} {len(failed)} failed: {', '.join(failed) or '-- NONE --'}", flush=True)
    caught.update(failed)
    survived += not failed
tests = set(re.findall(r"^def (test_\w+)", (SRC / "python/tests/test_extract.py").read_text(), re.M))
if sel == [m[0] for m in MUTS]:
    never = sorted(tests - caught)
    print(f"tests never failing: {never or 'none'}; mutations not caught: {survived}")
    sys.exit(1 if never or survived else 0)
