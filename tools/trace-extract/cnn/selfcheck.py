"""Self-check of the counting functions in counting.py against brute-force loops.

Run: python selfcheck.py   (prints 'N passed, 0 failed'; exit status 1 on any failure)
extract.py runs it before extracting.
"""
import itertools
import math
import sys

import numpy as np

import counting


def brute_macs(x, w, stride, pads, groups):
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    pt, pb, pl, pr = pads
    E = (H + pt + pb - R) // stride + 1
    F = (W + pl + pr - S) // stride + 1
    Mg = M // groups
    total = 0
    for m in range(M):
        g = m // Mg
        for e in range(E):
            for f in range(F):
                for cg in range(Cg):
                    c = g * Cg + cg
                    for r in range(R):
                        for s in range(S):
                            h = e * stride + r - pt
                            ww = f * stride + s - pl
                            if 0 <= h < H and 0 <= ww < W and x[c, h, ww] and w[m, cg, r, s]:
                                total += 1
    return total


def brute_nnz_columns(x, R, stride, pt, pb, C0):
    C, H, W = x.shape
    E = (H + pt + pb - R) // stride + 1
    total = 0
    for g0 in range(0, C, C0):
        for e in range(E):
            for col in range(W):
                hit = False
                for c in range(g0, min(g0 + C0, C)):
                    for r in range(R):
                        h = e * stride - pt + r
                        if 0 <= h < H and x[c, h, col]:
                            hit = True
                total += hit
    return total


def artifact_mapping_literal(C, W, R):
    """The artifact's mapping code (hw_eyerissv2.py, EyerissV2.mapping), transcribed."""
    C0 = 16 // R
    if C <= 3:
        C0 = C
    else:
        C0 = 2 ** int(math.log(C0, 2))
        C0 = C0 if C0 <= C else C
    F0 = (3 * 4 * 1000 * 8) // (W * R * C0 * 8)
    F0 = 2 ** int(math.log(F0, 2))
    F0 = F0 if F0 <= W else W
    F1 = 4 if 4 * F0 <= W else int(W / F0)
    F2 = int(math.ceil(W / (F0 * F1)))
    return C0, F0, F1, F2


def artifact_nnz_literal(x, R, C0, F0, F1, F2):
    """numpy port of the artifact's EyerissV2.run Nnz computation (square inputs only, as there):
    the permutes there are no-ops, so the F2*F1*F0 split lands on rows and the summed axis is
    the width."""
    C, H, W = x.shape
    assert H == W
    t = x.astype(np.float32)[None]
    P = F2 * F1 * F0
    if W != P:
        pad = P - W
        t = np.pad(t, ((0, 0), (0, 0), (0, pad), (0, pad)))
        W = P
    height = W
    t = t.reshape(C, F2, F1, F0, height)
    nz = t.sum(-1)                                   # (C, F2, F1, F0)
    shift = nz.copy()
    acc = nz.copy()
    for _ in range(R - 1):
        shift = np.roll(shift, -1, axis=-1)
        shift[..., -1] = 0
        acc = acc + shift
    acc = acc.reshape(C, F2, F1 * F0)
    return int(np.count_nonzero(acc))


def main():
    rng = np.random.default_rng(12345)   # test data only; never used for traces
    passed = failed = 0

    def check(name, got, want):
        nonlocal passed, failed
        if got == want:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: got {got}, want {want}")

    # hand-made tensor: a single non-zero in the corner
    x = np.zeros((1, 4, 4), bool)
    x[0, 0, 0] = True
    w = np.ones((1, 1, 3, 3), bool)
    check("corner macs s1 p1", counting.effectual_macs(x, w, 1, (1, 1, 1, 1), 1), 4)
    check("corner macs s2 p1", counting.effectual_macs(x, w, 2, (1, 1, 1, 1), 1), 1)
    check("corner cols", counting.nnz_columns(x, 3, 1, 1, 1, 1), 2)     # e = 0, 1 at column 0
    # random cases against brute force
    cases = 0
    for (C, M, groups), (R, S), stride, H, W, density in itertools.product(
            [(3, 4, 1), (8, 6, 2), (6, 6, 6), (20, 5, 1)], [(1, 1), (3, 3), (5, 5), (7, 3)],
            [1, 2], [5, 8], [6, 9], [0.0, 0.3, 0.8]):
        cases += 1
        x = rng.random((C, H, W)) < density
        w = rng.random((M, C // groups, R, S)) < 0.6
        pads_list = [counting.same_pads(R, S), (R // 2, R // 2, S // 2, S // 2), (0, 1, 0, 1), (0, 0, 0, 0)]
        for pads in pads_list:
            if H + pads[0] + pads[1] < R or W + pads[2] + pads[3] < S:
                continue
            check(f"macs {C},{M},{groups},{R}x{S},s{stride},{pads}",
                  counting.effectual_macs(x, w, stride, pads, groups),
                  brute_macs(x, w, stride, pads, groups))
            C0 = counting.c0_for(C, R)
            check(f"cols {C},{R},s{stride},{pads}",
                  counting.nnz_columns(x, R, stride, pads[0], pads[1], C0),
                  brute_nnz_columns(x, R, stride, pads[0], pads[1], C0))
        if H == W:
            C0, F0, F1, F2 = artifact_mapping_literal(C, W, R)
            check("c0", counting.c0_for(C, R), C0)
            check("tiling", counting.artifact_tiling(W, R, C0), (F0, F1, F2))
            check(f"artifact cols {C},{R},{W}", counting.nnz_columns_artifact(x, R, C0),
                  artifact_nnz_literal(x, R, C0, F0, F1, F2))
    # artifact mapping on real layer shapes, including widths that need padding (F0*F1*F2 > W)
    for C, R, W in itertools.product([3, 16, 24, 32, 64, 96, 144, 512, 1280], [1, 3, 5, 7],
                                     [1, 7, 14, 28, 56, 112, 224]):
        C0, F0, F1, F2 = artifact_mapping_literal(C, W, R)
        check(f"mapping {C},{R},{W}", (counting.c0_for(C, R),) + counting.artifact_tiling(W, R, C0),
              (C0, F0, F1, F2))
    for W, R, C in [(28, 3, 16), (14, 5, 8), (56, 1, 16), (7, 1, 16), (112, 3, 8), (10, 3, 4)]:
        x = rng.random((C, W, W)) < 0.1
        C0, F0, F1, F2 = artifact_mapping_literal(C, W, R)
        check(f"artifact cols real {C},{R},{W}", counting.nnz_columns_artifact(x, R, C0),
              artifact_nnz_literal(x, R, C0, F0, F1, F2))
    # linear layer as 1x1 conv on a 1x1 input
    x = rng.random((40, 1, 1)) < 0.5
    w = rng.random((7, 40, 1, 1)) < 0.5
    want = int((x[:, 0, 0][None, :] & w[:, :, 0, 0]).sum())
    check("linear macs", counting.effectual_macs(x, w, 1, (0, 0, 0, 0), 1), want)
    groups16 = sum(x[i:i + 16, 0, 0].any() for i in range(0, 40, 16))
    check("linear cols", counting.nnz_columns(x, 1, 1, 0, 0, counting.c0_for(40, 1)), groups16)
    check("linear cols artifact", counting.nnz_columns_artifact(x, 1, counting.c0_for(40, 1)),
          int(x.sum()))
    print(f"selfcheck: {cases} random layer shapes")
    print(f"{passed} passed, {failed} failed")
    return failed == 0


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
