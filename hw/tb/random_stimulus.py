#!/usr/bin/env python3
"""Independent Python model of the Dysta scheduler hardware and random stimulus generator.

The model implements docs/hardware.md ("Arithmetic (the contract)" and "Host protocol") in
plain Python integers, written from the document alone (not from the Swift model or the RTL),
so it can serve as a second reference next to `Sources/DystaHardware`.

Generate a random stimulus file (format: docs/hardware.md, "Stimulus file"):

    random_stimulus.py --preset w32 --gamma-rule mean --score-rule dysta --units parallel \\
        --depth-log2 6 --seed 1 -o w32.stim

Replay a stimulus file (e.g. one written by `dysta hw export`) through this model and check
every expected value (exit 0 if all agree, 1 at the first mismatch, 2 if malformed):

    random_stimulus.py --check FILE...
"""

import argparse
import os
import random
import sys

KEYS = ["depth_log2", "score_bits", "score_frac", "gamma_bits", "gamma_frac", "time_bits",
        "variant_bits", "layer_bits", "gamma_rule", "score_rule", "units"]


def read_presets(path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "presets.txt")):
    """The presets of hw/presets.txt (the one source of the RTL's preset parameters)."""
    presets = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, *items = line.split()
                presets[name] = {k: (int(v) if v.isdigit() else v) for k, v in (i.split("=", 1) for i in items)}
    return presets


PRESETS = read_presets()

LAYER_DONE_CYCLES = 8
WRITE_CYCLES = 1
ENQUEUE_CYCLES = 1

# table ids (docs/hardware.md, "Host protocol")
REM, PEN, MANT, SHIFT, LAYERS, RECIPN, RECIPK, BETA = range(8)


class ConfigError(ValueError):
    pass


class Config:
    RANGES = dict(depth_log2=(4, 10), score_bits=(8, 32), score_frac=(0, 16),
                  gamma_bits=(8, 32), gamma_frac=(1, 31), time_bits=(16, 40),
                  variant_bits=(1, 8), layer_bits=(1, 10))
    ENUMS = dict(gamma_rule=("mean", "last"), score_rule=("dysta", "paper"),
                 units=("parallel", "shared"))

    def __init__(self, values):
        missing = [k for k in KEYS if k not in values]
        if missing:
            raise ConfigError("config lacks " + ", ".join(missing))
        for k, v in values.items():
            if k not in KEYS:
                raise ConfigError(f"unknown config key '{k}'")
            if k in self.ENUMS:
                if v not in self.ENUMS[k]:
                    raise ConfigError(f"{k}={v}: expected one of {', '.join(self.ENUMS[k])}")
            else:
                lo, hi = self.RANGES[k]
                if not isinstance(v, int) or not lo <= v <= hi:
                    raise ConfigError(f"{k}={v}: outside {lo}-{hi}")
        self.v = dict(values)
        if self.F >= self.S:
            raise ConfigError("score_frac must be below score_bits")
        if self.Fg >= self.G:
            raise ConfigError("gamma_frac must be below gamma_bits")

    D = property(lambda self: self.v["depth_log2"])
    S = property(lambda self: self.v["score_bits"])
    F = property(lambda self: self.v["score_frac"])
    G = property(lambda self: self.v["gamma_bits"])
    Fg = property(lambda self: self.v["gamma_frac"])
    T = property(lambda self: self.v["time_bits"])
    V = property(lambda self: self.v["variant_bits"])
    Lb = property(lambda self: self.v["layer_bits"])
    mean = property(lambda self: self.v["gamma_rule"] == "mean")
    paper = property(lambda self: self.v["score_rule"] == "paper")
    shared = property(lambda self: self.v["units"] == "shared")

    @property
    def cps(self):
        if not self.shared:
            return 1
        return 3 if self.paper else 4

    def decide_cycles(self, n):
        return self.cps * n + 10

    def line(self):
        return "config " + " ".join(f"{k}={self.v[k]}" for k in KEYS)

    @staticmethod
    def parse_line(line):
        if not line.startswith("config "):
            raise ConfigError("expected the 'config ...' line")
        values = {}
        for item in line[len("config "):].split(" "):
            if "=" not in item:
                raise ConfigError(f"config item '{item}' is not name=value")
            k, v = item.split("=", 1)
            if k in values:
                raise ConfigError(f"config key '{k}' given twice")
            if k in Config.RANGES:
                if not v.isdigit():
                    raise ConfigError(f"{k}={v} is not a non-negative integer")
                v = int(v)
            values[k] = v
        return Config(values)


def sat(x, w):
    """sat_W(x) = min(x, 2^W - 1)"""
    m = (1 << w) - 1
    return x if x < m else m


def table_shape(cfg, tid):
    """(entries, value bits) of a table."""
    return {
        REM: (1 << (cfg.V + cfg.Lb), cfg.S),
        PEN: (1 << cfg.V, 32),
        MANT: (1 << (cfg.V + cfg.Lb), 16),
        SHIFT: (1 << (cfg.V + cfg.Lb), 6),
        LAYERS: (1 << cfg.V, cfg.Lb + 1),
        RECIPN: (1 << cfg.D, 17),
        RECIPK: (1 << cfg.Lb, 17),
        BETA: (1, 24),
    }[tid]


class Slot:
    __slots__ = ("v", "k", "gamma", "sum", "deadline", "last", "score")

    def __init__(self, v, deadline, arrival, gamma):
        self.v, self.k, self.gamma, self.sum = v, 0, gamma, 0
        self.deadline, self.last, self.score = deadline, arrival, 0


# refused commands (docs/hardware.md, "Host errors"): the err code; X records' field counts
HOST_ERRORS = {"D": 1, "E": 2, "L": 3}
HOST_ERROR_FIELDS = {"D": 1, "E": 3, "L": 2}


class Model:
    """The contract, in Python integers."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.tables = {t: [0] * table_shape(cfg, t)[0] for t in range(8)}
        self.slots = []
        self.running = None

    @property
    def count(self):
        return len(self.slots)

    def write(self, tid, index, value):
        entries, bits = table_shape(self.cfg, tid)
        if not 0 <= index < entries:
            raise ValueError(f"index {index} outside table {tid} ({entries} entries)")
        if value >> bits:
            raise ValueError(f"value {value} does not fit table {tid} ({bits} bits)")
        self.tables[tid][index] = value
        return WRITE_CYCLES

    def enqueue(self, v, deadline, arrival):
        c = self.cfg
        if self.count >= (1 << c.D):
            raise ValueError("enqueue into a full table")
        self.slots.append(Slot(v, deadline, arrival, sat(1 << c.Fg, c.G)))
        return ENQUEUE_CYCLES

    def layer_done(self, nz, now):
        c, t = self.cfg, self.tables
        if self.running is None:
            raise ValueError("layer done without a running request")
        s = self.slots[self.running]
        idx = (s.v << c.Lb) | s.k
        ratio = sat((nz * t[MANT][idx]) >> t[SHIFT][idx], c.G)
        if c.mean:
            s.sum = sat(s.sum + ratio, c.G + c.Lb)
            s.gamma = sat((s.sum * t[RECIPK][s.k]) >> 16, c.G)   # recipk[k+1] is entry k
        else:
            s.gamma = ratio
        s.k += 1
        s.last = now
        if s.k >= t[LAYERS][s.v]:                 # that was its last layer
            self.slots[self.running] = self.slots[-1]
            self.slots.pop()
            self.running = None
        return LAYER_DONE_CYCLES

    def score(self, s, now, n):
        c, t = self.cfg, self.tables
        R = sat((s.gamma * t[REM][(s.v << c.Lb) | s.k]) >> c.Fg, c.S)
        slack = s.deadline - now if s.deadline > now else 0
        slkF = slack << c.F
        if c.paper:
            urg = slkF
        else:
            urg = slkF - R if slkF > R else 0
        bu = sat((urg * t[BETA][0]) >> 16, c.S)
        idle = (now - s.last) % (1 << c.T)
        pen = sat((idle * t[PEN][s.v]) >> (16 - c.F), c.S)
        if c.paper:
            penN = pen
        else:
            penN = sat((pen * t[RECIPN][n - 1]) >> 16, c.S)
        return sat(R + bu + penN, c.S)

    def host_error(self, letter):
        """The err code the scheduler answers command D, E or L with now; 0 = accepted."""
        if letter == "D":
            return HOST_ERRORS["D"] if self.count == 0 else 0
        if letter == "E":
            return HOST_ERRORS["E"] if self.count == 1 << self.cfg.D else 0
        return HOST_ERRORS["L"] if self.running is None else 0

    def decide(self, now):
        n = self.count
        if n == 0:
            raise ValueError("decide on an empty table")
        best = None
        for i, s in enumerate(self.slots):
            s.score = self.score(s, now, n)
            if best is None or s.score < self.slots[best].score:
                best = i
        self.running = best
        return best, self.cfg.decide_cycles(n)


# ------------------------------------------------------------------------------ generator

class Generator:
    def __init__(self, cfg, seed, ops):
        self.cfg = cfg
        self.rng = random.Random(seed)
        self.seed = seed
        self.ops = ops
        self.model = Model(cfg)
        self.lines = []
        self.decisions = 0
        self.tmax = (1 << cfg.T) - 1
        self.stats = dict(E=0, L=0, D=0, W=0, finished=0, full=0, ties=0, sat=0, past=0, refused=0)

    # value distributions ---------------------------------------------------------------
    def logu(self, bits):
        """log-uniform: a random bit length, then a random value of that length"""
        b = self.rng.randint(0, bits)
        return self.rng.randint(0, (1 << b) - 1) if b else 0

    def spicy(self, bits, p_special=0.1):
        r = self.rng.random()
        if r < p_special / 2:
            return 0
        if r < p_special:
            return (1 << bits) - 1
        return self.logu(bits)

    # records -----------------------------------------------------------------------------
    def W(self, tid, idx, val):
        self.model.write(tid, idx, val)
        self.lines.append(f"W {tid} {idx} {val}")
        self.stats["W"] += 1

    def E(self, v, deadline, arrival):
        self.model.enqueue(v, deadline, arrival)
        self.lines.append(f"E {v} {deadline} {arrival}")
        self.stats["E"] += 1
        if self.model.count == 1 << self.cfg.D:
            self.stats["full"] += 1

    def L(self, nz, now):
        before = self.model.count
        cycles = self.model.layer_done(nz, now)
        self.lines.append(f"L {nz} {now} {cycles}")
        self.stats["L"] += 1
        if self.model.count < before:
            self.stats["finished"] += 1

    def X(self, letter, *fields):
        assert self.model.host_error(letter)
        self.lines.append(" ".join(["X", letter] + [str(x) for x in fields]))
        self.stats["refused"] += 1

    def D(self, now):
        slot, cycles = self.model.decide(now)
        m = self.model
        fields = [f"D {now} {slot} {cycles} {m.count}"]
        for s in m.slots:
            fields.append(f"{s.score} {s.gamma}")
        self.lines.append(" ".join(fields))
        self.decisions += 1
        self.stats["D"] += 1
        scores = [s.score for s in m.slots]
        if scores.count(scores[slot]) > 1:
            self.stats["ties"] += 1
        if (1 << self.cfg.S) - 1 in scores:
            self.stats["sat"] += 1
        if any(s.deadline < now for s in m.slots):
            self.stats["past"] += 1

    # tables ------------------------------------------------------------------------------
    def write_tables(self):
        c, rng = self.cfg, self.rng
        profile = rng.choice(["wide", "wide", "moderate", "extreme"])
        self.lines.append(f"# random_stimulus.py seed={self.seed} profile={profile}")
        nvar = 1 << c.V
        zero_variant = rng.randrange(nvar)        # a variant with zero tables: score ties
        max_layers = 1 << c.Lb
        for v in range(nvar):
            for k in range(max_layers):
                idx = (v << c.Lb) | k
                if v == zero_variant:
                    rem = 0
                elif profile == "extreme":
                    rem = self.spicy(c.S, 0.5)
                elif profile == "moderate":
                    rem = rng.randint(0, min((1 << c.S) - 1, 1 << (c.F + 12)))
                else:
                    rem = self.spicy(c.S)
                self.W(REM, idx, rem)
        for v in range(nvar):
            if v == zero_variant:
                pen = 0
            elif profile == "moderate":
                pen = rng.randint(0, 1 << 20)
            else:
                pen = self.spicy(32, 0.3 if profile == "extreme" else 0.1)
            self.W(PEN, v, pen)
        for v in range(nvar):
            for k in range(max_layers):
                idx = (v << c.Lb) | k
                if profile == "extreme":
                    mant, shift = self.spicy(16, 0.5), rng.randint(0, 63)
                else:
                    mant = self.spicy(16)
                    shift = rng.choice([rng.randint(0, 63), rng.randint(8, 30), rng.randint(12, 24)])
                self.W(MANT, idx, mant)
                self.W(SHIFT, idx, shift)
        for v in range(nvar):
            r = rng.random()
            if r < 0.1:
                layers = max_layers
            elif r < 0.2:
                layers = 1
            else:
                layers = rng.randint(1, min(max_layers, 8))
            self.W(LAYERS, v, layers)
        exact = profile != "extreme" or rng.random() < 0.5
        for n in range(1, (1 << c.D) + 1):
            val = (2 * 65536 + n) // (2 * n) if exact else rng.randint(0, (1 << 17) - 1)
            self.W(RECIPN, n - 1, val)
        for j in range(1, max_layers + 1):
            val = (2 * 65536 + j) // (2 * j) if exact else rng.randint(0, (1 << 17) - 1)
            self.W(RECIPK, j - 1, val)
        self.W(BETA, 0, self.beta_value())

    def beta_value(self):
        rng = self.rng
        return rng.choice([0, (1 << 24) - 1, 1 << 16, rng.randint(0, (1 << 24) - 1),
                           self.logu(24), rng.randint(1 << 12, 1 << 18)])

    # the run -----------------------------------------------------------------------------
    def run(self):
        c, rng, m = self.cfg, self.rng, self.model
        depth = 1 << c.D
        self.write_tables()
        if rng.random() < 0.3:
            now = rng.randint(0, self.tmax)                 # anywhere, even near the top
        else:
            now = rng.randint(0, 1 << min(c.T - 2, 24))
        fill_burst = 0
        recent = []
        grow = True                                         # grow or drain the table
        for _ in range(self.ops):
            if rng.random() < 0.02:
                grow = not grow
            # time moves forward (often not at all)
            r = rng.random()
            if r < 0.3:
                dt = 0
            elif r < 0.9:
                dt = self.logu(12)
            elif r < 0.98:
                dt = self.logu(20)
            else:
                dt = self.logu(c.T - 4)
            now = min(self.tmax, now + dt)

            n = m.count
            if rng.random() < 0.03:                          # a host error, when possible
                if n == 0:
                    self.X("D", now)
                elif n == depth:
                    self.X("E", rng.randrange(1 << c.V), now, now)
                elif m.running is None:
                    self.X("L", self.logu(32), now)
            if fill_burst and n < depth:
                action = "E"
                fill_burst -= 1
            elif n == 0:
                action = "E"
            else:
                weights = {"E": (3 if grow else 0.4) if n < depth else 0, "D": 3, "W": 0.2,
                           "L": 6 if m.running is not None else 0}
                acts, ws = zip(*weights.items())
                action = rng.choices(acts, ws)[0]
                if action == "E" and rng.random() < 0.01:
                    fill_burst = depth                      # fill the table up
            if action == "E":
                if recent and rng.random() < 0.15:
                    v, deadline, arrival = rng.choice(recent)   # a twin: equal scores
                    arrival = min(arrival, now)
                else:
                    v = rng.randrange(1 << c.V)
                    r = rng.random()
                    if r < 0.15:
                        deadline = max(0, now - self.logu(16))      # already past
                    elif r < 0.2:
                        deadline = self.tmax
                    elif r < 0.25:
                        deadline = now
                    else:
                        deadline = min(self.tmax, now + self.logu(min(c.T, 24)))
                    arrival = max(0, now - (0 if rng.random() < 0.5 else self.logu(10)))
                recent = (recent + [(v, deadline, arrival)])[-8:]
                self.E(v, deadline, arrival)
            elif action == "D":
                self.D(now)
            elif action == "L":
                r = rng.random()
                if r < 0.15:
                    nz = 0
                elif r < 0.2:
                    nz = (1 << 32) - 1
                elif r < 0.5:
                    nz = rng.randint(0, 4096)
                else:
                    nz = self.logu(32)
                self.L(nz, now)
                if m.running is None and m.count and rng.random() < 0.7:
                    self.D(now)
            elif action == "W":
                tid = rng.choice([REM, PEN, MANT, SHIFT, BETA])
                entries, bits = table_shape(c, tid)
                if tid == BETA:
                    self.W(BETA, 0, self.beta_value())
                else:
                    self.W(tid, rng.randrange(entries), self.spicy(bits))
        if m.count:
            self.D(now)

    def text(self):
        return ("dysta-hw-stimulus 1\n" + self.cfg.line() + "\n" + "\n".join(self.lines)
                + f"\nend {self.decisions}\n")


# ------------------------------------------------------------------------------ checker

class Malformed(Exception):
    pass


def check_file(path):
    """Replays a stimulus file through Model; returns (decisions, values checked)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise Malformed(f"{path}: {e.strerror}")
    if lines and lines[-1] == "":
        lines.pop()

    def bad(no, msg):
        return Malformed(f"{path}:{no}: {msg}")

    if not lines or lines[0] != "dysta-hw-stimulus 1":
        raise bad(1, "first line must be 'dysta-hw-stimulus 1'")
    try:
        cfg = Config.parse_line(lines[1] if len(lines) > 1 else "")
    except ConfigError as e:
        raise bad(2, str(e))
    m = Model(cfg)
    decisions = checked = 0
    ended = False
    for no, line in enumerate(lines[2:], start=3):
        if line == "" or line.startswith("#"):
            continue
        if ended:
            raise bad(no, "record after 'end'")
        f = line.split(" ")
        if not all(x.isdigit() for x in f[2 if f[0] == "X" else 1:]):
            raise bad(no, "fields must be non-negative decimal integers")
        x = [int(v) for v in f[2 if f[0] == "X" else 1:]]

        def expect(what, exp, got):
            nonlocal checked
            checked += 1
            if exp != got:
                print(f"MISMATCH line {no}: {what} expected {exp} got {got}")
                sys.exit(1)

        try:
            if f[0] == "W" and len(x) == 3:
                if x[0] > 7:
                    raise ValueError(f"unknown table id {x[0]}")
                m.write(*x)
            elif f[0] == "E" and len(x) == 3:
                if x[0] >> cfg.V or x[1] >> cfg.T or x[2] >> cfg.T:
                    raise ValueError("variant or time out of range")
                m.enqueue(*x)
            elif f[0] == "L" and len(x) == 3:
                if x[0] >> 32 or x[1] >> cfg.T:
                    raise ValueError("nz or time out of range")
                expect("layer-done cycles", x[2], m.layer_done(x[0], x[1]))
            elif f[0] == "D" and len(x) >= 4:
                if x[0] >> cfg.T:
                    raise ValueError("time out of range")
                slot, cycles = m.decide(x[0])
                if len(x) != 4 + 2 * m.count:
                    raise ValueError(f"D lists {(len(x) - 4) // 2} slots, the model has {m.count}")
                expect("chosen slot", x[1], slot)
                expect("decide cycles", x[2], cycles)
                expect("occupancy", x[3], m.count)
                for i, s in enumerate(m.slots):
                    expect(f"score of slot {i}", x[4 + 2 * i], s.score)
                    expect(f"gamma of slot {i}", x[5 + 2 * i], s.gamma)
                decisions += 1
            elif f[0] == "X" and len(f) >= 2 and f[1] in HOST_ERRORS:
                if not all(v.isdigit() for v in f[2:]) or len(f) - 2 != HOST_ERROR_FIELDS[f[1]]:
                    raise ValueError(f"X {f[1]} takes {HOST_ERROR_FIELDS[f[1]]} fields")
                expect(f"host error of X {f[1]}", HOST_ERRORS[f[1]], m.host_error(f[1]))
            elif f[0] == "end" and len(x) == 1:
                if x[0] != decisions:
                    raise ValueError(f"end says {x[0]} decisions, the file has {decisions}")
                ended = True
            else:
                raise ValueError(f"malformed record '{f[0]}' with {len(x)} fields")
        except ValueError as e:
            raise bad(no, str(e))
    if not ended:
        raise bad(len(lines), "missing 'end' line (truncated file?)")
    return decisions, checked


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", nargs="+", metavar="FILE", help="replay stimulus files through the model")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="w32")
    for k in KEYS:
        ap.add_argument("--" + k.replace("_", "-"), dest=k, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ops", type=int, default=1500, help="random commands after the tables (default 1500)")
    ap.add_argument("-o", "--output", help="output file (default: stdout)")
    ap.add_argument("--stats", action="store_true", help="print coverage counts to stderr")
    a = ap.parse_args(argv)

    if a.check:
        total_d = total_v = 0
        for path in a.check:
            try:
                d, v = check_file(path)
            except Malformed as e:
                print(e, file=sys.stderr)
                return 2
            total_d += d
            total_v += v
        print(f"python model: {total_d} decisions, {total_v} values checked, 0 mismatches")
        return 0

    values = dict(PRESETS[a.preset])
    for k in KEYS:
        val = getattr(a, k)
        if val is not None:
            values[k] = int(val) if k in Config.RANGES else val
    try:
        cfg = Config(values)
    except ConfigError as e:
        print(f"random_stimulus: {e}", file=sys.stderr)
        return 2
    g = Generator(cfg, a.seed, a.ops)
    g.run()
    text = g.text()
    if a.output:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if a.stats:
        print(" ".join(f"{k}={v}" for k, v in g.stats.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
