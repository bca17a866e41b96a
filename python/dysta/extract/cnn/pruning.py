"""Static weight-pruning patterns, applied per layer by magnitude of the (BN-folded) weights,
without fine-tuning. Ties are broken by flat index (stable sort), so masks are deterministic.

  dense           nothing pruned
  unstructuredP   zero the round(P% * n) weights of smallest |w|
  filter20        remove the round(20% * M) output filters of smallest L2 norm (weights and bias,
                  so the output channel is exactly 0); filterP (tools/onnx-extract) the same with P%.
  block4-P        blocks of 4 consecutive input channels (within the conv's group) at the same
                  (m, r, s); zero the round(P% * #blocks) blocks of smallest L2 norm.
Not pruned: the first conv and the final classifier of every network, and depthwise convs
(EfficientNet), which are never pruned by their own magnitudes -- as in the paper artifact's
SparseML MobileNet recipes, which prune only the pointwise convs; pruning 20% of the depthwise
weights without fine-tuning alone halves the top-1 agreement with the dense network. Under
filter20 a depthwise conv drops exactly the channels whose producing (expand) conv filters were
removed (their input is all zero; weights and bias are zeroed so the channel stays removed), and
stays dense when that conv is not pruned (EfficientNet block 0 follows the unpruned stem).
"""
import numpy as np

PATTERNS = ["dense", "unstructured20", "unstructured60", "filter20", "block4-20", "block4-60"]


def _count(p, n):
    return int(np.floor(p * n + 0.5))


def _smallest(values, k):
    """Boolean array (same shape): True for the k smallest values (stable, by flat index)."""
    flat = values.reshape(-1)
    order = np.argsort(flat, kind="stable")
    out = np.zeros(flat.shape, dtype=bool)
    out[order[:k]] = True
    return out.reshape(values.shape)


def unstructured(w, p):
    return ~_smallest(np.abs(w.astype(np.float64)), _count(p, w.size))


def filter_keep(w, p):
    norms = np.sqrt((w.astype(np.float64) ** 2).reshape(w.shape[0], -1).sum(axis=1))
    return ~_smallest(norms, _count(p, w.shape[0]))


def block4(w, p):
    M, Cg, R, S = w.shape
    nb = -(-Cg // 4)
    wp = np.zeros((M, nb * 4, R, S), dtype=np.float64)
    wp[:, :Cg] = w
    norms = np.sqrt((wp.reshape(M, nb, 4, R, S) ** 2).sum(axis=2))      # (M, nb, R, S)
    drop = _smallest(norms, _count(p, norms.size))
    mask = ~np.repeat(drop, 4, axis=1)[:, :Cg]
    return mask


def make_masks(model, pattern):
    """Returns (masks, keeps): masks name -> bool weight mask, keeps name -> bool (M,) vector."""
    masks, keeps = {}, {}
    eff = model.effective_weights()
    for L in model.layers:
        if not L.prunable or pattern == "dense":
            continue
        w = eff[L.name]
        assert w.shape == L.weight_shape, (L.name, w.shape, L.weight_shape)
        if L.depthwise and not pattern.startswith("filter"):
            continue
        if pattern.startswith("unstructured"):
            masks[L.name] = unstructured(w, int(pattern[len("unstructured"):]) / 100)
        elif pattern.startswith("filter"):
            if L.depthwise:
                if L.follows in keeps:
                    keeps[L.name] = keeps[L.follows].copy()
                else:
                    continue
            else:
                keeps[L.name] = filter_keep(w, int(pattern[len("filter"):]) / 100)
            masks[L.name] = np.broadcast_to(keeps[L.name][:, None, None, None], w.shape).copy()
        elif pattern.startswith("block4-"):
            masks[L.name] = block4(w, int(pattern[len("block4-"):]) / 100)
        else:
            raise ValueError(pattern)
    return masks, keeps


def weight_nonzeros(model, masks):
    """Non-zero weights per layer of the variant (exact zeros of the original count too)."""
    eff = model.effective_weights()
    out = {}
    for L in model.layers:
        w = eff[L.name]
        nz = w != 0
        if L.name in masks:
            nz &= masks[L.name]
        out[L.name] = int(nz.sum())
    return out


def variant_masks(model, pattern):
    """Everything a pattern's run needs: (masks, keeps, weight_nonzeros, wmask), wmask the
    contiguous boolean non-zero mask of each layer's weights after pruning (what counting
    reads)."""
    masks, keeps = make_masks(model, pattern)
    wnz = weight_nonzeros(model, masks)
    eff = model.effective_weights()
    wmask = {}
    for L in model.layers:
        m = eff[L.name] != 0
        if L.name in masks:
            m = m & masks[L.name]
        wmask[L.name] = np.ascontiguousarray(m)
    return masks, keeps, wnz, wmask
