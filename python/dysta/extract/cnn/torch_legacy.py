"""Reader for PyTorch's legacy (pre-1.6, non-zip) serialisation format, without torch.

Layout: pickle(magic number), pickle(protocol version), pickle(sys info), pickle(object, with
persistent ids for storages), pickle(list of storage keys), then for each key in that order an
int64 element count followed by the raw little-endian storage bytes.
"""
import collections
import pickle
import struct

import numpy as np

MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name):
        self.name = name
        self.dtype = np.dtype(_DTYPES[name])


class _Storage:
    def __init__(self, key, dtype, size):
        self.key, self.dtype, self.size = key, dtype, size
        self.array = None


class _LazyTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def materialise(self):
        base = self.storage.array
        item = base.itemsize
        if len(self.size) == 0:
            return base[self.offset].copy()
        view = np.lib.stride_tricks.as_strided(
            base[self.offset:], shape=self.size, strides=[s * item for s in self.stride])
        return np.ascontiguousarray(view)


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, *args):
    return _LazyTensor(storage, offset, size, stride)


def _rebuild_tensor(storage, offset, size, stride):
    return _LazyTensor(storage, offset, size, stride)


def load(path):
    """Return an OrderedDict name -> numpy array (a state dict) from a legacy .pth file."""
    storages = {}

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if module == "torch._utils" and name == "_rebuild_tensor_v2":
                return _rebuild_tensor_v2
            if module == "torch._utils" and name == "_rebuild_tensor":
                return _rebuild_tensor
            if module == "torch" and name in _DTYPES:
                return _StorageType(name)
            if module == "collections" and name == "OrderedDict":
                return collections.OrderedDict
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")

        def persistent_load(self, pid):
            kind, stype, key, _location, size = pid[:5]
            assert kind == "storage", pid
            if len(pid) > 5 and pid[5] is not None:
                raise pickle.UnpicklingError("storage views are not supported")
            if key not in storages:
                storages[key] = _Storage(key, stype.dtype, size)
            return storages[key]

    with open(path, "rb") as f:
        if pickle.load(f) != MAGIC:
            raise ValueError("not a legacy torch file")
        if pickle.load(f) != 1001:
            raise ValueError("unsupported protocol version")
        sys_info = pickle.load(f)
        if not sys_info.get("little_endian", True):
            raise ValueError("big-endian file")
        obj = Unpickler(f).load()
        keys = Unpickler(f).load()
        for key in keys:
            (n,) = struct.unpack("<q", f.read(8))
            st = storages[key]
            data = f.read(n * st.dtype.itemsize)
            if len(data) != n * st.dtype.itemsize:
                raise ValueError("truncated storage")
            st.array = np.frombuffer(data, dtype=st.dtype)
        if f.read(1):
            raise ValueError("trailing bytes after storages")
    out = collections.OrderedDict()
    for name, t in obj.items():
        out[name] = t.materialise() if isinstance(t, _LazyTensor) else t
    return out
