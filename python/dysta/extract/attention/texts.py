"""The fixed text list of the attention workloads: examples of Debian wordnet-base and
fortunes of Debian fortunes / fortunes-min, in length strata (rule in
tools/trace-extract/attention/README.md)."""
import os
import re

PER_STRATUM = 48      # texts per length stratum (7 strata -> 336 texts)
FORTUNE_BINS = [(5, 10), (10, 20), (20, 40), (40, 80), (80, 160), (160, 10 ** 9)]
FORTUNE_DIR = "/usr/share/games/fortunes"
FORTUNE_EXCLUDE = {"ascii-art"}
WORDNET_NOUN = "/usr/share/wordnet/data.noun"


def normalize(text):
    text = re.sub(r".\x08", "", text)          # nroff overstriking (bold/underline)
    return " ".join(text.split())


def build_texts():
    """The fixed text list (same for all models). Rule documented in README.md."""
    fortunes = []
    files = sorted(f for f in os.listdir(FORTUNE_DIR)
                   if not f.endswith((".dat", ".u8")) and f not in FORTUNE_EXCLUDE
                   and os.path.isfile(os.path.join(FORTUNE_DIR, f)))
    for fn in files:
        with open(os.path.join(FORTUNE_DIR, fn), encoding="utf-8") as f:
            raw = f.read()
        for entry in re.split(r"^%\n", raw, flags=re.M):
            t = normalize(entry)
            if not t:
                continue
            chars = t.replace(" ", "")
            if sum(c.isalpha() for c in chars) < 0.7 * len(chars):
                continue                        # pictures, tables, code
            fortunes.append(t)
    examples = []
    with open(WORDNET_NOUN, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  ") or "|" not in line:
                continue                        # license header
            for q in re.findall(r'"([^"]+)"', line.split("|", 1)[1]):
                examples.append(normalize(q))
    seen = set()
    strata = [[] for _ in range(1 + len(FORTUNE_BINS))]
    for t in examples:
        if len(t.split()) >= 5 and t not in seen:
            seen.add(t)
            strata[0].append(t)
    for t in fortunes:
        n = len(t.split())
        if t in seen:
            continue
        for b, (lo, hi) in enumerate(FORTUNE_BINS):
            if lo <= n < hi:
                seen.add(t)
                strata[1 + b].append(t)
    picked = []
    for s in strata:
        n = len(s)
        assert n >= PER_STRATUM, n
        picked.append([s[(2 * k + 1) * n // (2 * PER_STRATUM)] for k in range(PER_STRATUM)])
    texts = [picked[s][k] for k in range(PER_STRATUM) for s in range(len(strata))]
    pool = {"wordnet_examples": len(strata[0]), "fortune_bins": [len(s) for s in strata[1:]]}
    return texts, pool
