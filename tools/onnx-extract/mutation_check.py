"""Mutation check of test_extract.py: each mutation breaks the extractor (or the shared counting
code) once on purpose, in a copy of the tools; the tests run against the copy and must fail.

  tools/onnx-extract/.venv/bin/python tools/onnx-extract/mutation_check.py [NAME ...]

Prints, per mutation, the tests that failed; every test of test_extract.py appears at least
once (checked at the end). Takes about two minutes.
"""
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
SRC = Path(__file__).resolve().parents[2]
MUTS = [
 ("slice", "tools/onnx-extract/extractor.py", "pr = np.ascontiguousarray(p3[:, :L, :L])", "pr = np.ascontiguousarray(p3)"),
 ("causal-off", "tools/onnx-extract/extractor.py", "a.causal = bool(np.all(", "a.causal = False and bool(np.all("),
 ("pad-ignored", "tools/onnx-extract/graph.py", "    return (pv[hb], pv[hb + r], pv[wb], pv[wb + r])", "    return (0, 0, 0, 0)"),
 ("no-residual", "tools/onnx-extract/graph.py", 'elif n.op_type == "Add" and G.const(', 'elif False and G.const('),
 ("no-bn-fold", "tools/onnx-extract/graph.py", "                scale = scale * v\n", "                scale = scale\n"),
 ("commit-early", "tools/onnx-extract/extractor.py", "        self.tmp.mkdir()\n", "        self.tmp = self.out\n        self.tmp.mkdir(exist_ok=True)\n"),
 ("no-shape-check", "tools/onnx-extract/extractor.py", "                if isinstance(d, int) and d > 0 and d != w:", "                if False:"),
 ("no-unmappable", "tools/onnx-extract/graph.py", 'UNMAPPABLE = {"ConvTranspose", ', 'UNMAPPABLE = {'),
 ("no-fused-check", "tools/onnx-extract/graph.py", "        if n.op_type in FUSED_ATTENTION:\n            raise", "        if False:\n            raise"),
 ("limit-ignored", "tools/onnx-extract/extract.py", "        inputs.limit(args.limit)", "        pass"),
 ("heads-wrong", "tools/onnx-extract/extractor.py", "a.heads = int(p3.shape[0])", "a.heads = int(p3.shape[0]) + 1"),
 ("mask-filter", "tools/onnx-extract/extractor.py", "                nodes.append(helper.make_node(\"Mul\", [end, kname]", "                0 and nodes.append(helper.make_node(\"Mul\", [end, kname]"),
 ("stride1-macs", "tools/trace-extract/cnn/counting.py", "        macs1 = effectual_macs(x, w, 1, same_pads(R, S), groups)", "        macs1 = macs"),
 ("threshold", "tools/trace-extract/attention/extract.py", "    m = p > threshold", "    m = p >= threshold * 0.5"),
 ("exit-1", "tools/onnx-extract/extract.py", "        print(f\"extract.py: error: {e.path}: {e}\", file=sys.stderr)\n        return 2", "        print(f\"extract.py: error: {e.path}: {e}\", file=sys.stderr)\n        return 1"),
 ("empty-folder", "tools/onnx-extract/samples.py", "    if not files:\n", "    if False:\n"),
 ("tok-missing", "tools/onnx-extract/extract.py", "        if tok is None:\n            raise", "        if tok is None:\n            tok = 'tokenizer.json'\n        if False:\n            raise"),
 ("not-onnx", "tools/onnx-extract/extractor.py", 'raise ExtractError(p, f"not an ONNX model ({', 'raise ExtractError(p, f"bad model ({'),
 ("layer-name", "tools/onnx-extract/graph.py", "        self.name = node_name(node)", "        self.name = node.op_type + node_name(node)"),
 ("nonlin-none", "tools/onnx-extract/graph.py", "            act, nl = n.output[0], n.op_type", "            act, nl = t, None"),
 ("lb", "tools/trace-extract/attention/extract.py", "    lb = kept / (PES * segs) if segs else 1.0", "    lb = kept / (PES * segs + 1) if segs else 1.0"),
 ("config-ignored", "tools/onnx-extract/samples.py", "            setattr(p, k, v)", "            pass"),
 ("append-drops", "tools/onnx-extract/extract.py", '            keep_models = [m for m in old["models"] if m["architecture"] != arch]', "            keep_models = []"),
 ("per-line-off", "tools/onnx-extract/samples.py", "            if per_line:", "            if False:"),
 ("depthwise-group", "tools/onnx-extract/extractor.py", "            groups = int(a.get(\"group\", 1))", "            groups = 1 if int(a.get(\"group\", 1)) == 2 else int(a.get(\"group\", 1))"),
]
sel = sys.argv[1:] or [m[0] for m in MUTS]
caught, survived = set(), 0
for name, f, old, new in MUTS:
    if name not in sel: continue
    d = Path(tempfile.gettempdir()) / "onnx-extract-mutants"
    if d.exists(): shutil.rmtree(d)
    for sub in ("tools/onnx-extract", "tools/trace-extract/cnn", "tools/trace-extract/attention"):
        shutil.copytree(SRC / sub, d / sub, ignore=shutil.ignore_patterns(".venv", ".cache", "__pycache__"))
    p = d / f
    s = p.read_text()
    assert s.count(old) == 1, (name, s.count(old))
    p.write_text(s.replace(old, new))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(d / "tools/onnx-extract/test_extract.py")], capture_output=True, text=True)
    failed = sorted(set(re.findall(r"FAILED \S+::(\w+)", r.stdout)))
    print(f"{name:16} {len(failed)} failed: {', '.join(failed) or '-- NONE --'}", flush=True)
    caught.update(failed)
    survived += not failed
tests = set(re.findall(r"^def (test_\w+)", (SRC / "tools/onnx-extract/test_extract.py").read_text(), re.M))
if sel == [m[0] for m in MUTS]:
    never = sorted(tests - caught)
    print(f"tests never failing: {never or 'none'}; mutations not caught: {survived}")
    sys.exit(1 if never or survived else 0)
