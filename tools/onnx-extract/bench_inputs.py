"""The benchmark's own inputs as plain folders the generic extractor reads.

photos(size, count): the photo samples of dysta.extract.cnn.inputs (the same crops and
low-light versions, in sample order; 204 samples) resized to size x size, written as lossless
PNG files 000.png, 001.png, ...; a count above 204 continues with the left-right mirror images
of samples 0, 1, ... (sample 204 + k = mirror of sample k).

texts(): the 336 texts of dysta.extract.attention.texts (Debian fortunes, fortunes-min,
wordnet-base) as 000.txt ... 335.txt, one text per file.

Both need what the hand-written tools need: the pinned wheels of tools/trace-extract/cnn
(downloaded and sha256-checked into tools/trace-extract/.cache/cnn) and the Debian packages
mate-backgrounds (photos) or fortunes, fortunes-min, wordnet-base (texts).
"""
import hashlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
BASE_COUNT = 204


def photos(size=224, count=BASE_COUNT, out=None):
    """Write the photo folder; returns (folder, sha256 of all pixels in order)."""
    from PIL import Image
    from dysta.extract.cnn import build as cnn, inputs
    cnn.fetch()
    cnn.check_debian()
    saved = inputs.SIZE
    inputs.SIZE = size      # the crop rule is size-independent; only the final resize changes
    try:
        imgs = inputs.Images(str(cnn.UNPACKED))
        out = Path(out) if out else CACHE / f"photos-{size}-{count}"
        out.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        arrays = {}
        for i in range(count):
            k = i if i < len(imgs.samples) else i - len(imgs.samples)
            if k not in arrays:
                arrays[k] = imgs.image(k)
            a = arrays[k] if i < len(imgs.samples) else np.ascontiguousarray(arrays[k][:, ::-1])
            h.update(a.tobytes())
            p = out / f"{i:03d}.png"
            if p.exists():
                with Image.open(p) as im:
                    if np.array_equal(np.asarray(im.convert("RGB")), a):
                        continue
            Image.fromarray(a).save(p)
        for p in sorted(out.glob("*.png"))[count:]:
            p.unlink()
        return out, h.hexdigest()
    finally:
        inputs.SIZE = saved


def texts(out=None, limit=None):
    """Write the attention benchmark's texts; returns (folder, sha256 as the attention tool
    records it: the texts joined with newlines)."""
    from dysta.extract.attention.texts import build_texts
    tx, _ = build_texts()
    if limit:
        tx = tx[:limit]
    out = Path(out) if out else CACHE / f"texts-{len(tx)}"
    out.mkdir(parents=True, exist_ok=True)
    for i, t in enumerate(tx):
        p = out / f"{i:03d}.txt"
        if not p.exists() or p.read_text(encoding="utf-8") != t:
            p.write_text(t, encoding="utf-8")
    for p in sorted(out.glob("*.txt"))[len(tx):]:
        p.unlink()
    return out, hashlib.sha256("".join(t + "\n" for t in tx).encode("utf-8")).hexdigest()
