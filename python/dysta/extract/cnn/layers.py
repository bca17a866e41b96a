"""Layer description shared by the three model runners."""
from dataclasses import dataclass, field

from . import counting


@dataclass
class Layer:
    name: str
    type: str            # "conv" or "linear"
    C: int
    M: int
    R: int
    S: int
    stride: int
    pads: tuple          # (top, bottom, left, right) real zero padding
    groups: int
    H: int
    W: int
    E: int
    F: int
    prunable: bool = True
    follows: str = None  # depthwise conv: the conv whose output channels it consumes (filter20)
    extra: dict = field(default_factory=dict)

    @property
    def c0(self):
        return counting.c0_for(self.C, self.R)

    @property
    def weight_shape(self):
        return (self.M, self.C // self.groups, self.R, self.S)

    @property
    def depthwise(self):
        return self.groups > 1 and self.groups == self.C == self.M

    def check(self):
        assert counting.out_size(self.H, self.R, self.stride, self.pads[0], self.pads[1]) == self.E, self
        assert counting.out_size(self.W, self.S, self.stride, self.pads[2], self.pads[3]) == self.F, self

    def manifest(self, weight_nonzeros):
        pt, pb, pl, pr = self.pads
        assert pt == pl and pb == pr, "square padding expected"
        # one integer: the larger of the two sides (TF-'SAME' pads one more at the bottom/right),
        # so that E = (H + 2*padding - R) // stride + 1 holds; the counts use the real padding.
        return {
            "name": self.name, "type": self.type, "C": self.C, "M": self.M, "R": self.R,
            "S": self.S, "stride": self.stride, "padding": max(pt, pb), "groups": self.groups,
            "H": self.H, "W": self.W, "E": self.E, "F": self.F,
            "weight_nonzeros": int(weight_nonzeros),
            "weight_total": self.M * (self.C // self.groups) * self.R * self.S,
            "c0": self.c0,
        }


def conv_layer(name, C, M, k, stride, pads, groups, H, W, **kw):
    E = counting.out_size(H, k, stride, pads[0], pads[1])
    F = counting.out_size(W, k, stride, pads[2], pads[3])
    L = Layer(name, "conv", C, M, k, k, stride, tuple(pads), groups, H, W, E, F, **kw)
    L.check()
    return L


def linear_layer(name, C, M, **kw):
    return Layer(name, "linear", C, M, 1, 1, 1, (0, 0, 0, 0), 1, 1, 1, 1, 1, **kw)
