"""Tests of Sanger's attention cell shared by tools/trace-extract/attention (the shipped
`attention` workloads) and the ONNX extractor: dysta.extract.attention.attention_cell against
a literal, loop-by-loop reading of the rules, and small cases computed by hand."""
import numpy as np
import pytest

from dysta.extract.attention import PES, THRESHOLD, VEC, attention_cell


def literal_cell(p, causal, threshold=THRESHOLD):
    """kept, valid, load balance by loops over heads, queries and 64-wide key vectors: a vector
    that is entirely padding / causally invalid or holds no kept pair is skipped; the others
    take ceil(kept / 32) PE segments."""
    heads, L, _ = p.shape
    seq = -(-L // VEC) * VEC
    num = den = kept = 0
    for h in range(heads):
        for q in range(L):
            ok = [k < L and (not causal or k <= q) for k in range(seq)]
            for b in range(0, seq, VEC):
                if not any(ok[b:b + VEC]):
                    continue
                c = sum(1 for k in range(b, b + VEC) if ok[k] and p[h, q, k] > threshold)
                if c == 0:
                    continue
                num += c
                den += -(-c // PES)
                kept += c
    valid = heads * (L * (L + 1) // 2 if causal else L * L)
    return kept, valid, (num / (PES * den) if den else 1.0)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("L", [1, 5, 63, 64, 65, 130])
def test_against_literal_loops(L, causal):
    """Deterministic synthetic probabilities around the 64-wide vector boundaries."""
    i, j = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
    p = np.stack([((i * 7 + j * 13 + h * 5) % 17) / 17.0 * 0.005 for h in range(3)]).astype(np.float32)
    if causal:
        p = p * (j <= i)
    kept, valid, lb = attention_cell(p, causal)
    k2, v2, lb2 = literal_cell(p, causal)
    assert (kept, valid) == (k2, v2)
    assert lb == pytest.approx(lb2, abs=1e-12)


def test_uniform_attention_by_hand():
    """One head, 4 tokens, uniform probabilities 0.25: all 16 pairs kept; each query row is one
    vector with 4 kept entries in one segment of 32 PEs: load balance 4 / 32."""
    p = np.full((1, 4, 4), 0.25, np.float32)
    assert attention_cell(p, False) == (16, 16, 4 / 32)


def test_causal_valid_pairs_and_threshold():
    """Causal: 10 valid pairs of 4 tokens; a probability equal to the threshold is not kept."""
    p = np.tril(np.full((1, 4, 4), 0.5, np.float32))
    p[0, 3, 0] = THRESHOLD
    kept, valid, _ = attention_cell(p, True)
    assert (kept, valid) == (9, 10)
    assert attention_cell(p, True, threshold=0.6)[0] == 0
    assert attention_cell(p, True, threshold=0.6)[2] == 1.0             # nothing kept: 1 by definition


def test_long_rows_split_into_segments():
    """70 kept keys in one row: vectors of 64 and 6 -> segments ceil(64/32) + ceil(6/32) = 3."""
    p = np.full((1, 70, 70), 1.0 / 70, np.float32)
    kept, valid, lb = attention_cell(p, False)
    assert (kept, valid) == (70 * 70, 70 * 70)
    assert lb == pytest.approx(70 / (PES * 3))
