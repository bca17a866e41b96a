"""Writes the SYNTHETIC test fixtures in the paper artifact's CSV format.

These files are not a benchmark: the values come from a fixed formula with a small
deterministic pseudo-random term, chosen only to exercise the loaders, the engine and the
policies. Run: python3 make_fixtures.py (from this directory).
"""
import math

def lcg(seed):
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        yield (state >> 11) / float(1 << 53)

def sanger(name, samples, layers, base, seed):
    rnd = lcg(seed)
    with open(f"artifact-sanger/{name}.csv", "w") as f:
        f.write("batch-indx,layer-indx,overall-sparsity,50%-skip\n")
        for s in range(samples):
            sample_level = 0.6 + 0.8 * next(rnd)
            for l in range(layers):
                density = min(0.95, max(0.02, base * sample_level * (1 + 0.3 * math.sin(l)) + 0.02 * next(rnd)))
                balance = min(0.98, max(0.3, 0.9 - density + 0.1 * next(rnd)))
                f.write(f"{s},{l},{density:.6f},{balance:.6f}\n")

def eyeriss(name, samples, layers, base_lat, seed):
    rnd = lcg(seed)
    with open(f"artifact-eyeriss/{name}.csv", "w") as f:
        f.write("batch-indx,layer-indx,overall-sparsity,sim_lat\n")
        for s in range(samples):
            sample_level = 0.7 + 0.6 * next(rnd)
            for l in range(layers):
                zero = min(0.95, max(0.05, 0.5 * sample_level + 0.1 * math.cos(l) + 0.05 * next(rnd)))
                lat = base_lat * (1 + 0.5 * (l % 3)) * (1 - zero) * 2
                f.write(f"{s},{l},{zero:.6f},{lat:.9f}\n")

sanger("bert", 12, 6, 0.12, 1)
sanger("gpt2", 10, 4, 0.25, 2)
eyeriss("resnet50_dense", 12, 5, 0.004, 3)
eyeriss("resnet50_unstructured60", 12, 5, 0.0025, 4)
eyeriss("vgg16_dense", 9, 3, 0.01, 5)
