"""The fixed list of input samples (real photos, deterministic crops, low-light variants).

Sources (21 natural colour photos, in this order):
  * Debian mate-backgrounds, /usr/share/backgrounds/mate/nature/*.jpg (12 large photos,
    1280x1024 ... 2560x1920), sorted by file name;
  * scikit-image wheel, skimage/data/: astronaut.png, chelsea.png, coffee.png, rocket.jpg,
    motorcycle_left.png, motorcycle_right.png (the natural colour photos of that folder);
  * scikit-learn wheel, sklearn/datasets/images/: china.jpg, flower.jpg;
  * matplotlib wheel, matplotlib/mpl-data/sample_data/grace_hopper.jpg.

Crop rule: a square crop of side round(scale * min(w, h)) at position
(round(fx * (w - side)), round(fy * (h - side))), fx, fy in [0, 1] (round half up), resized to
224x224 with Pillow's BILINEAR filter (Image.resize, reducing_gap=None), RGB uint8.
  large (mate) photos: scale 1.0 at (fx, fy) = (0, .5), (.5, .5), (1, .5);
                       scale 0.6 at (0, 0), (1, 0), (0, 1), (1, 1);
                       scale 0.35 at (.25, .25), (.75, .75)                    -> 9 crops each
  small photos:        scale 1.0 at (.5, .5); scale 0.75 at (0, 0), (1, 0), (0, 1), (1, 1);
                       scale 0.5 at (.5, .5)                                   -> 6 crops each
Low-light rule (out of distribution), applied to the 224x224 uint8 crop:
  I' = floor(255 * (I / 255) ** 2.2 * 0.3 + 0.5) per channel (float64, then uint8).
  Low-light samples: for every source, its scale-1.0 centre crop and its top-left crop of the
  second scale (0.6 for large, 0.75 for small)                                 -> 2 per source
Sample ids: all normal crops first (sources in the order above, crops in the order above), then
the low-light samples (same source order; centre crop first). 12*9 + 9*6 + 21*2 = 204 samples.
"""
import hashlib
import os

import numpy as np
from PIL import Image

SIZE = 224
MATE_DIR = "/usr/share/backgrounds/mate/nature"
MATE_FILES = ["Aqua.jpg", "Blinds.jpg", "Dune.jpg", "FreshFlower.jpg", "Garden.jpg",
              "GreenMeadow.jpg", "LadyBird.jpg", "RainDrops.jpg", "Storm.jpg", "TwoWings.jpg",
              "Wood.jpg", "YellowFlower.jpg"]
WHEEL_FILES = ["skimage/data/astronaut.png", "skimage/data/chelsea.png", "skimage/data/coffee.png",
               "skimage/data/rocket.jpg", "skimage/data/motorcycle_left.png",
               "skimage/data/motorcycle_right.png", "sklearn/datasets/images/china.jpg",
               "sklearn/datasets/images/flower.jpg",
               "matplotlib/mpl-data/sample_data/grace_hopper.jpg"]
LARGE_CROPS = [(1.0, 0, .5), (1.0, .5, .5), (1.0, 1, .5),
               (0.6, 0, 0), (0.6, 1, 0), (0.6, 0, 1), (0.6, 1, 1),
               (0.35, .25, .25), (0.35, .75, .75)]
SMALL_CROPS = [(1.0, .5, .5), (0.75, 0, 0), (0.75, 1, 0), (0.75, 0, 1), (0.75, 1, 1), (0.5, .5, .5)]
LOWLIGHT_LARGE = [(1.0, .5, .5), (0.6, 0, 0)]
LOWLIGHT_SMALL = [(1.0, .5, .5), (0.75, 0, 0)]
GAMMA, GAIN = 2.2, 0.3


def _rhu(v):
    return int(np.floor(v + 0.5))


def sources(unpacked_dir):
    """[(label, path, kind)] in sample order; label is what provenance records."""
    out = [(f"mate-backgrounds:nature/{f}", os.path.join(MATE_DIR, f), "large") for f in MATE_FILES]
    out += [(f"wheel:{f}", os.path.join(unpacked_dir, f), "small") for f in WHEEL_FILES]
    return out


def sample_list(unpacked_dir):
    """[(source label, path, scale, fx, fy, lowlight)] in sample-id order."""
    src = sources(unpacked_dir)
    out = []
    for label, path, kind in src:
        for scale, fx, fy in (LARGE_CROPS if kind == "large" else SMALL_CROPS):
            out.append((label, path, scale, fx, fy, False))
    for label, path, kind in src:
        for scale, fx, fy in (LOWLIGHT_LARGE if kind == "large" else LOWLIGHT_SMALL):
            out.append((label, path, scale, fx, fy, True))
    return out


def lowlight(img):
    x = img.astype(np.float64) / 255.0
    return np.floor(255.0 * x ** GAMMA * GAIN + 0.5).astype(np.uint8)


class Images:
    def __init__(self, unpacked_dir):
        self.samples = sample_list(unpacked_dir)
        self._cache = {}

    def _open(self, path):
        if path not in self._cache:
            with Image.open(path) as im:
                self._cache = {path: im.convert("RGB")}
        return self._cache[path]

    def box(self, i):
        label, path, scale, fx, fy, _ = self.samples[i]
        w, h = self._open(path).size
        side = _rhu(scale * min(w, h))
        x0, y0 = _rhu(fx * (w - side)), _rhu(fy * (h - side))
        return (x0, y0, x0 + side, y0 + side)

    def image(self, i):
        """224x224x3 uint8 RGB of sample i."""
        label, path, scale, fx, fy, low = self.samples[i]
        im = self._open(path).crop(self.box(i)).resize((SIZE, SIZE), Image.Resampling.BILINEAR,
                                                       reducing_gap=None)
        a = np.asarray(im, dtype=np.uint8).copy()
        return lowlight(a) if low else a

    def all_images(self):
        return [self.image(i) for i in range(len(self.samples))]

    def provenance(self):
        rows = []
        for i, (label, path, scale, fx, fy, low) in enumerate(self.samples):
            rows.append([i, label, list(self.box(i)), 1 if low else 0])
        return rows


def digest(images):
    h = hashlib.sha256()
    for a in images:
        h.update(a.tobytes())
    return h.hexdigest()
