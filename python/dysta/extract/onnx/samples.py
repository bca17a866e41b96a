"""Input samples of the generic extractor: an image folder with declared preprocessing, or text
files with a tokenizer.json. Deterministic order: file names sorted by their UTF-8 bytes."""
import hashlib
import json
from pathlib import Path

import numpy as np

from .._common import rel, sha256_bytes
from ...errors import ExtractError

IMAGE_EXT = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".pgm", ".tif", ".tiff", ".webp")
TEXT_EXT = (".txt",)


class InputError(ExtractError):
    """An input sample, folder, tokenizer or preprocessing setting is unusable."""


def _rel(p):
    return rel(Path(p).resolve())


def list_files(folder, exts, what):
    folder = Path(folder)
    if not folder.exists():
        raise InputError(folder, "input folder does not exist")
    if not folder.is_dir():
        raise InputError(folder, "--inputs must be a folder")
    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in exts),
                   key=lambda p: p.name.encode("utf-8"))
    if not files:
        raise InputError(folder, f"no {what} files ({', '.join(exts)}) in the input folder")
    return files


# ------------------------------------------------------------------------------------ images
class Preprocess:
    """size (H, W), resize mode, channel order, layout, scale, mean, std.

    x = (pixel * scale - mean) / std per channel, in float32, channels in `channels` order
    (mean/std given in that order), laid out as `layout` with a batch axis of 1."""

    KEYS = {"size", "resize", "channels", "layout", "scale", "mean", "std"}

    def __init__(self, size=None, resize="cover", channels="rgb", layout=None, scale=1.0,
                 mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0)):
        self.size = size
        self.resize = resize
        self.channels = channels
        self.layout = layout
        self.scale = float(scale)
        self.mean = [float(v) for v in mean]
        self.std = [float(v) for v in std]

    @classmethod
    def from_config(cls, path):
        try:
            cfg = json.loads(Path(path).read_text())
        except (OSError, ValueError) as e:
            raise InputError(path, f"preprocessing config unreadable: {e}")
        bad = set(cfg) - cls.KEYS
        if bad:
            raise InputError(path, f"unknown preprocessing keys {sorted(bad)} (known: {sorted(cls.KEYS)})")
        p = cls()
        for k, v in cfg.items():
            setattr(p, k, v)
        if isinstance(p.size, int):
            p.size = [p.size, p.size]
        return p

    def describe(self):
        return {"size": list(self.size) if self.size else None, "resize": self.resize,
                "channels": self.channels, "layout": self.layout, "scale": self.scale,
                "mean": self.mean, "std": self.std,
                "formula": "x = (pixel * scale - mean) / std, float32, per channel in channel order"}

    def validate(self, src):
        if self.resize not in ("cover", "stretch"):
            raise InputError(src, f"resize must be 'cover' or 'stretch', not {self.resize!r}")
        if self.channels not in ("rgb", "bgr"):
            raise InputError(src, f"channels must be 'rgb' or 'bgr', not {self.channels!r}")
        if self.layout not in ("nchw", "nhwc"):
            raise InputError(src, f"layout must be 'nchw' or 'nhwc', not {self.layout!r}")
        if len(self.mean) != 3 or len(self.std) != 3 or any(s == 0 for s in self.std):
            raise InputError(src, "mean and std need 3 values each, std non-zero")

    def load(self, path):
        """RGB uint8 array (H, W, 3) of one image file, resized to self.size if needed."""
        from PIL import Image
        try:
            with Image.open(path) as im:
                im = im.convert("RGB")
                H, W = self.size
                if im.size != (W, H):
                    if self.resize == "stretch":
                        im = im.resize((W, H), Image.Resampling.BILINEAR, reducing_gap=None)
                    else:   # cover: scale so both sides cover the target, centre crop
                        w, h = im.size
                        s = max(W / w, H / h)
                        nw, nh = max(W, int(round(w * s))), max(H, int(round(h * s)))
                        im = im.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=None)
                        x0, y0 = (nw - W) // 2, (nh - H) // 2
                        im = im.crop((x0, y0, x0 + W, y0 + H))
                return np.asarray(im, dtype=np.uint8).copy()
        except (OSError, ValueError) as e:
            raise InputError(path, f"not a readable image: {e}")

    def tensor(self, rgb):
        a = rgb[:, :, ::-1] if self.channels == "bgr" else rgb
        x = a.astype(np.float32)
        if self.scale != 1.0:
            x = x * np.float32(self.scale)
        if any(m != 0 for m in self.mean):
            x = x - np.array(self.mean, dtype=np.float32)
        if any(s != 1 for s in self.std):
            x = x / np.array(self.std, dtype=np.float32)
        if self.layout == "nchw":
            x = np.ascontiguousarray(x.transpose(2, 0, 1))
        return x[None]


class ImageInputs:
    kind = "image"

    def __init__(self, folder, pre):
        self.folder = Path(folder)
        self.files = list_files(folder, IMAGE_EXT, "image")
        self.pre = pre

    def limit(self, n):
        self.files = self.files[:n]

    def __len__(self):
        return len(self.files)

    def sample(self, i):
        return self.pre.tensor(self.pre.load(self.files[i]))

    def provenance(self):
        rows = [[i, f.name, sha256_bytes(f.read_bytes())] for i, f in enumerate(self.files)]
        h = hashlib.sha256()
        for r in rows:
            h.update((r[1] + " " + r[2] + "\n").encode())
        return {"type": "images", "folder": _rel(self.folder), "count": len(rows),
                "order": "file names sorted by UTF-8 bytes",
                "preprocessing": self.pre.describe(),
                "list_sha256": h.hexdigest(),
                "samples_columns": ["sample", "file", "sha256"], "samples": rows}


# ------------------------------------------------------------------------------------ text
class TextInputs:
    kind = "text"

    def __init__(self, folder, tokenizer_path, max_tokens=512, per_line=False):
        from tokenizers import Tokenizer
        self.folder = Path(folder)
        files = list_files(folder, TEXT_EXT, "text")
        tp = Path(tokenizer_path)
        if not tp.is_file():
            raise InputError(tp, "tokenizer.json not found (give --tokenizer PATH)")
        try:
            self.tok = Tokenizer.from_file(str(tp))
        except Exception as e:   # tokenizers raises a plain Exception on bad files
            raise InputError(tp, f"not a tokenizers tokenizer.json: {str(e).splitlines()[0]}")
        self.tok.no_padding()
        self.tok.enable_truncation(max_tokens)
        self.tokenizer_path = tp
        self.max_tokens = max_tokens
        self.per_line = per_line
        self.texts = []          # (file name, line number or None, text)
        for f in files:
            try:
                s = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise InputError(f, f"not a UTF-8 text file: {e}")
            if per_line:
                for k, line in enumerate(s.splitlines(), 1):
                    if line.strip():
                        self.texts.append((f.name, k, line.strip()))
            elif s.strip():
                self.texts.append((f.name, None, s.strip()))
        if not self.texts:
            raise InputError(folder, "the text files hold no text")

    def limit(self, n):
        self.texts = self.texts[:n]

    def __len__(self):
        return len(self.texts)

    def ids(self, i):
        ids = self.tok.encode(self.texts[i][2]).ids
        if not ids:
            raise InputError(self.texts[i][0], "text encodes to no tokens")
        return ids

    def provenance(self):
        rows = [[i, f, k, sha256_bytes(t.encode("utf-8"))] for i, (f, k, t) in enumerate(self.texts)]
        h = hashlib.sha256("".join(t + "\n" for _, _, t in self.texts).encode("utf-8"))
        return {"type": "text", "folder": _rel(self.folder), "count": len(rows),
                "order": "file names sorted by UTF-8 bytes" + (", then lines" if self.per_line else ""),
                "unit": "one non-empty line" if self.per_line else "one file (stripped)",
                "tokenizer": {"file": self.tokenizer_path.name,
                              "sha256": sha256_bytes(self.tokenizer_path.read_bytes()),
                              "special_tokens": "added by the tokenizer's post-processor",
                              "truncation": self.max_tokens},
                "texts_sha256": h.hexdigest(),
                "samples_columns": ["sample", "file", "line (null: whole file)", "sha256 of the text"],
                "samples": rows}
