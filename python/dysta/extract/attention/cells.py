"""Sanger's attention cell of one (sample, attention layer): see docs/trace-format.md."""
import numpy as np

THRESHOLD = 2e-3      # softmax probability above which an attention entry is kept
VEC = 64              # Sanger: 64-wide row vectors
PES = 32              # Sanger: P = 32 PEs per vector segment


def attention_cell(p, causal, threshold=THRESHOLD):
    """Kept pairs, valid pairs and Sanger's load balance of one attention layer.

    Parameters
    ----------
    p : numpy.ndarray, shape (heads, L, L)
        Softmax probabilities over the real tokens (padding keys/queries carry probability 0
        / are not valid, so they never count).
    causal : bool
        Only the pairs j <= i are valid.
    threshold : float
        A pair is kept when its probability is above this.

    Returns
    -------
    (kept, valid, load_balance) : (int, int, float)
        load_balance is Sanger's pack-and-split over 64-wide vectors and 32 PEs.
    """
    h, L, _ = p.shape
    m = p > threshold
    kept = int(np.count_nonzero(m))
    valid = h * (L * (L + 1) // 2 if causal else L * L)
    nb = -(-L // VEC)
    if nb * VEC != L:
        m = np.concatenate([m, np.zeros((h, L, nb * VEC - L), dtype=bool)], axis=2)
    # vectors that are entirely padding / causally invalid are all-zero, so the skip
    # rule drops them as well; only non-zero vectors remain.
    c = m.reshape(h, L, nb, VEC).sum(-1, dtype=np.int64)
    segs = int(((c + PES - 1) // PES).sum())
    lb = kept / (PES * segs) if segs else 1.0
    return kept, valid, lb
