// Verilator testbench: replays a Dysta hardware stimulus file (docs/hardware.md, "Stimulus
// file") through dysta_scheduler_top and checks every expected value.
//
//   Vtb FILE
//
// Exit 0: all checks passed; prints
//   cosim: <decisions> decisions, <values> values checked, 0 mismatches
// Exit 1: first mismatch; prints one line
//   MISMATCH line <n>: <what> expected X got Y
// Exit 2: unreadable or malformed stimulus, or a config line that differs from the parameters
//   this model was compiled with; prints one line "<file>:<line>: <message>" to stderr.
//
// Busy cycles are measured as defined in hw/rtl/dysta_scheduler.v: B = the number of rising
// edges after the accepting edge up to and including the first edge at which cmd_ready is
// sampled high (equivalently: cmd_ready is low in busy periods 1 .. B-1 and high in period B).
// For DECIDE resp_valid must be high exactly in period B (a one-cycle pulse).
//
// Values checked (as the Swift replay counts them): per L its cycles; per D the winner, the
// cycles, the occupancy n (the count port) and every slot's score and gamma (dbg port).
// Per X (a refused command) the err output (counted), 1 busy cycle and no resp_valid.
// Also checked but not counted: WRITE and ENQUEUE take 1 cycle, err is 0 after every
// accepted command, no stray resp_valid, and the monitor path (see drive_monitor).
//
// Compile-time parameters: CFG_DEPTH_LOG2, CFG_SCORE_BITS, CFG_SCORE_FRAC, CFG_GAMMA_BITS,
// CFG_GAMMA_FRAC, CFG_TIME_BITS, CFG_VARIANT_BITS, CFG_LAYER_BITS, CFG_GAMMA_MEAN,
// CFG_SCORE_PAPER, CFG_SHARED_UNITS (the -G values of the model; hw/cosim.sh passes both).
#include "Vdysta_scheduler_top.h"
#include "verilated.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#ifndef CFG_DEPTH_LOG2
#error "compile with -DCFG_DEPTH_LOG2=... (see hw/cosim.sh)"
#endif

namespace {

const char* g_file = "";

[[noreturn]] void malformed(long line, const std::string& msg) {
    std::fprintf(stderr, "%s:%ld: %s\n", g_file, line, msg.c_str());
    std::exit(2);
}

[[noreturn]] void mismatch(long line, const std::string& what, uint64_t expected, uint64_t got) {
    std::printf("MISMATCH line %ld: %s expected %llu got %llu\n", line, what.c_str(),
                (unsigned long long)expected, (unsigned long long)got);
    std::fflush(stdout);
    std::exit(1);
}

bool parse_u64(const std::string& s, uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    uint64_t v = 0;
    for (char ch : s) {
        if (ch < '0' || ch > '9') return false;
        uint64_t d = (uint64_t)(ch - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

std::vector<std::string> split_spaces(const std::string& line) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t sp = line.find(' ', start);
        out.push_back(line.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
        if (sp == std::string::npos) break;
        start = sp + 1;
    }
    return out;
}

inline uint64_t mask(int bits) { return bits >= 64 ? ~0ULL : ((1ULL << bits) - 1); }

struct Record {
    char kind;                 // 'W', 'E', 'L', 'D', 'X' (then sub: 'D', 'E' or 'L')
    char sub = 0;
    long line;
    std::vector<uint64_t> v;   // the numeric fields
};

// ------------------------------------------------------------------------------ parsing
std::vector<Record> parse(const char* path, uint64_t& end_count) {
    std::ifstream in(path, std::ios::binary);
    if (!in) malformed(0, std::string("cannot read: ") + std::strerror(errno));
    const int D = CFG_DEPTH_LOG2, S = CFG_SCORE_BITS, G = CFG_GAMMA_BITS, T = CFG_TIME_BITS;
    const int V = CFG_VARIANT_BITS, LB = CFG_LAYER_BITS;
    std::vector<Record> recs;
    std::string line;
    long no = 0;
    bool ended = false, have_end = false;
    uint64_t decisions = 0;
    while (std::getline(in, line)) {
        ++no;
        if (no == 1) {
            if (line != "dysta-hw-stimulus 1") malformed(1, "first line must be 'dysta-hw-stimulus 1'");
            continue;
        }
        if (no == 2) {
            if (line.compare(0, 7, "config ") != 0) malformed(2, "expected the 'config ...' line");
            struct Key { const char* name; long want; const char* a; const char* b; bool seen; };
            Key keys[] = {
                {"depth_log2", CFG_DEPTH_LOG2, nullptr, nullptr, false},
                {"score_bits", CFG_SCORE_BITS, nullptr, nullptr, false},
                {"score_frac", CFG_SCORE_FRAC, nullptr, nullptr, false},
                {"gamma_bits", CFG_GAMMA_BITS, nullptr, nullptr, false},
                {"gamma_frac", CFG_GAMMA_FRAC, nullptr, nullptr, false},
                {"time_bits", CFG_TIME_BITS, nullptr, nullptr, false},
                {"variant_bits", CFG_VARIANT_BITS, nullptr, nullptr, false},
                {"layer_bits", CFG_LAYER_BITS, nullptr, nullptr, false},
                {"gamma_rule", CFG_GAMMA_MEAN, "last", "mean", false},
                {"score_rule", CFG_SCORE_PAPER, "dysta", "paper", false},
                {"units", CFG_SHARED_UNITS, "parallel", "shared", false},
            };
            for (const std::string& item : split_spaces(line.substr(7))) {
                size_t eq = item.find('=');
                if (eq == std::string::npos) malformed(2, "config item '" + item + "' is not name=value");
                std::string name = item.substr(0, eq), value = item.substr(eq + 1);
                Key* k = nullptr;
                for (Key& c : keys)
                    if (name == c.name) k = &c;
                if (!k) malformed(2, "unknown config key '" + name + "'");
                if (k->seen) malformed(2, "config key '" + name + "' given twice");
                k->seen = true;
                long got;
                if (k->a) {
                    if (value == k->a) got = 0;
                    else if (value == k->b) got = 1;
                    else malformed(2, name + "=" + value + ": expected " + k->a + " or " + k->b);
                } else {
                    uint64_t u;
                    if (!parse_u64(value, u) || u > 1000) malformed(2, name + "=" + value + " is not a small non-negative integer");
                    got = (long)u;
                }
                if (got != k->want)
                    malformed(2, "config " + name + "=" + value + " differs from this model's build (" +
                                     (k->a ? std::string(k->want ? k->b : k->a) : std::to_string(k->want)) + ")");
            }
            for (Key& c : keys)
                if (!c.seen) malformed(2, std::string("config lacks ") + c.name);
            continue;
        }
        if (line.empty() || line[0] == '#') continue;
        if (ended) malformed(no, "record after 'end'");
        std::vector<std::string> f = split_spaces(line);
        Record r;
        r.line = no;
        if (f[0] == "X") {             // refused command: X <letter> <that command's fields>
            if (f.size() < 2 || (f[1] != "D" && f[1] != "E" && f[1] != "L")) malformed(no, "X takes a command letter D, E or L");
            r.sub = f[1][0];
            f.erase(f.begin() + 1);
        }
        for (size_t i = 1; i < f.size(); ++i) {
            uint64_t u;
            if (!parse_u64(f[i], u))
                malformed(no, "field " + std::to_string(i + 1) + " '" + f[i] + "' is not a non-negative decimal integer");
            r.v.push_back(u);
        }
        const std::string& kind = f[0];
        const size_t n = r.v.size();
        if (kind == "W") {
            if (n != 3) malformed(no, "W takes 3 fields");
            const int entries_log2[8] = {V + LB, V, V + LB, V + LB, V, D, LB, 0};
            const int bits[8] = {S, 32, 16, 6, LB + 1, 17, 17, 24};
            if (r.v[0] > 7) malformed(no, "unknown table id " + f[1]);
            int t = (int)r.v[0];
            if (r.v[1] >> entries_log2[t]) malformed(no, "index " + f[2] + " outside table " + f[1]);
            if (r.v[2] >> bits[t]) malformed(no, "value " + f[3] + " does not fit table " + f[1] + " (" + std::to_string(bits[t]) + " bits)");
            r.kind = 'W';
        } else if (kind == "E") {
            if (n != 3) malformed(no, "E takes 3 fields");
            if (r.v[0] >> V) malformed(no, "variant " + f[1] + " outside the tables");
            if ((r.v[1] >> T) || (r.v[2] >> T)) malformed(no, "time does not fit " + std::to_string(T) + " bits");
            r.kind = 'E';
        } else if (kind == "L") {
            if (n != 3) malformed(no, "L takes 3 fields");
            if (r.v[0] >> 32) malformed(no, "nz does not fit 32 bits");
            if (r.v[1] >> T) malformed(no, "time does not fit " + std::to_string(T) + " bits");
            r.kind = 'L';
        } else if (kind == "D") {
            if (n < 4) malformed(no, "D takes at least 4 fields");
            if (r.v[0] >> T) malformed(no, "time does not fit " + std::to_string(T) + " bits");
            uint64_t occ = r.v[3];
            if (occ == 0 || occ > (1ULL << D)) malformed(no, "occupancy " + f[4] + " outside 1.." + std::to_string(1 << D));
            if (n != 4 + 2 * occ) malformed(no, "D lists " + std::to_string((n - 4) / 2) + " slots, occupancy says " + f[4]);
            if (r.v[1] >= occ) malformed(no, "winner " + f[2] + " is not an occupied slot");
            for (uint64_t i = 0; i < occ; ++i) {
                if (r.v[4 + 2 * i] >> S) malformed(no, "score of slot " + std::to_string(i) + " does not fit " + std::to_string(S) + " bits");
                if (r.v[5 + 2 * i] >> G) malformed(no, "gamma of slot " + std::to_string(i) + " does not fit " + std::to_string(G) + " bits");
            }
            r.kind = 'D';
            ++decisions;
        } else if (kind == "X") {
            const size_t arity = r.sub == 'D' ? 1 : r.sub == 'E' ? 3 : 2;
            if (n != arity) malformed(no, std::string("X ") + r.sub + " takes " + std::to_string(arity) + " fields");
            for (uint64_t x : r.v)
                if (x >> 40) malformed(no, "field does not fit 40 bits");
            r.kind = 'X';
        } else if (kind == "end") {
            if (n != 1) malformed(no, "end takes the decision count");
            if (r.v[0] != decisions)
                malformed(no, "end says " + f[1] + " decisions, the file has " + std::to_string(decisions));
            ended = true;
            have_end = true;
            end_count = r.v[0];
            continue;
        } else {
            malformed(no, "unknown record '" + kind + "' (expected W, E, L, D, X or end)");
        }
        recs.push_back(r);
    }
    if (no == 0) malformed(1, "empty file");
    if (no == 1) malformed(2, "expected the 'config ...' line");
    if (!have_end) malformed(no, "missing 'end' line (truncated file?)");
    return recs;
}

// ------------------------------------------------------------------------------ DUT driver
struct Tb {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vdysta_scheduler_top> m;
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    uint64_t cycles = 0;

    Tb() : ctx(new VerilatedContext), m(new Vdysta_scheduler_top(ctx.get())) {}

    uint64_t rand64() {   // xorshift64*, deterministic
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        return rng * 2685821657736338717ULL;
    }

    void tick() {
        m->clk = 1;
        m->eval();
        m->clk = 0;
        m->eval();
        ++cycles;
    }

    void scramble_idle_inputs() {   // the DUT must not look at operands without cmd_valid
        m->cmd_op = (uint8_t)(rand64() & 7);
        m->cmd_a = (uint32_t)rand64();
        m->cmd_b = rand64() & mask(40);
        m->cmd_c = rand64() & mask(40);
    }

    void reset() {
        m->clk = 0;
        m->rst = 1;
        m->cmd_valid = 0;
        m->dbg_slot = 0;
        m->mon_out_valid = 0;
        m->mon_out_nonzero = 0;
        m->mon_clear = 0;
        m->use_monitor = 0;
        scramble_idle_inputs();
        m->eval();
        for (int i = 0; i < 4; ++i) tick();
        m->rst = 0;
        tick();
    }

    // Issues one command and waits until the scheduler can take the next one. Returns the
    // busy cycles B; checks resp_valid: high exactly in period B iff expect_resp.
    uint64_t command(long line, uint8_t op, uint64_t a, uint64_t b, uint64_t c, bool expect_resp, uint8_t expect_err = 0) {
        if (!m->cmd_ready) mismatch(line, "cmd_ready before the command", 1, 0);
        if (m->resp_valid) mismatch(line, "resp_valid while idle", 0, 1);
        m->cmd_valid = 1;
        m->cmd_op = op;
        m->cmd_a = (uint32_t)a;
        m->cmd_b = b;
        m->cmd_c = c;
        tick();                                   // the accepting edge E0
        m->cmd_valid = 0;
        scramble_idle_inputs();
        const uint64_t limit = 64 + 8 * (1ULL << CFG_DEPTH_LOG2);
        uint64_t busy = 1;                        // now in busy period 1
        while (!m->cmd_ready) {
            if (m->resp_valid) mismatch(line, "resp_valid in busy period " + std::to_string(busy) + " (cmd_ready still low): busy period of resp_valid", 0, busy);
            tick();
            ++busy;
            if (busy > limit) mismatch(line, "busy cycles (cmd_ready never returned)", 0, busy);
        }
        if ((bool)m->resp_valid != expect_resp)
            mismatch(line, "resp_valid in the last busy cycle", expect_resp ? 1 : 0, m->resp_valid);
        if (m->err != expect_err) mismatch(line, "err after the command", expect_err, m->err);
        return busy;
    }

    // Makes the monitor count exactly nz (over several output cycles, with idle cycles whose
    // bits must be ignored), checks the count, then the LAYER_DONE takes nz from it.
    void drive_monitor(long line, uint64_t nz) {
        m->mon_clear = 1;
        m->mon_out_valid = 0;
        tick();
        m->mon_clear = 0;
        if (m->mon_count != 0) mismatch(line, "monitor count after clear", 0, m->mon_count);
        uint64_t left = nz;
        while (left > 0) {
            uint64_t bits = 0;
            if (rand64() % 5 == 0) {              // not valid: these bits must not count
                m->mon_out_valid = 0;
                m->mon_out_nonzero = rand64();
                tick();
                continue;
            }
            uint64_t k = rand64() % 65;
            if (k > left) k = left;
            for (uint64_t placed = 0; placed < k;) {
                uint64_t bit = 1ULL << (rand64() % 64);
                if (!(bits & bit)) { bits |= bit; ++placed; }
            }
            m->mon_out_valid = 1;
            m->mon_out_nonzero = bits;
            tick();
            left -= k;
        }
        m->mon_out_valid = 0;
        m->mon_out_nonzero = 0;
        if (m->mon_count != nz) mismatch(line, "monitor count", nz, m->mon_count);
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s STIMULUS_FILE\n", argv[0]);
        return 2;
    }
    g_file = argv[1];
    uint64_t end_count = 0;
    std::vector<Record> recs = parse(argv[1], end_count);

    Tb tb;
    tb.reset();
    auto* m = tb.m.get();
    uint64_t decisions = 0, checked = 0, via_monitor = 0;
    for (const Record& r : recs) {
        switch (r.kind) {
        case 'W': {
            uint64_t b = tb.command(r.line, 1, r.v[0], r.v[1], r.v[2], false);
            if (b != 1) mismatch(r.line, "WRITE busy cycles", 1, b);
            break;
        }
        case 'E': {
            uint64_t b = tb.command(r.line, 2, r.v[0], r.v[1], r.v[2], false);
            if (b != 1) mismatch(r.line, "ENQUEUE busy cycles", 1, b);
            break;
        }
        case 'L': {
            uint64_t nz = r.v[0];
            bool mon = nz <= 4096 && (tb.rand64() & 1);
            uint64_t a = nz;
            if (mon) {
                tb.drive_monitor(r.line, nz);
                a = ~nz & 0xFFFFFFFFULL;          // must be ignored
                m->use_monitor = 1;
                ++via_monitor;
            }
            uint64_t b = tb.command(r.line, 3, a, tb.rand64() & mask(40), r.v[1], false);
            if (mon) {
                m->use_monitor = 0;
                if (m->mon_count != 0) mismatch(r.line, "monitor count after LAYER_DONE cleared it", 0, m->mon_count);
            }
            ++checked;
            if (b != r.v[2]) mismatch(r.line, "layer-done cycles", r.v[2], b);
            break;
        }
        case 'X': {   // refused: 1 cycle, err = its code, nothing else changes (count checked here)
            const uint8_t op = r.sub == 'D' ? 4 : r.sub == 'E' ? 2 : 3;
            const uint8_t code = r.sub == 'D' ? 1 : r.sub == 'E' ? 2 : 3;
            const uint64_t before = m->count;
            uint64_t a = r.sub == 'D' ? (tb.rand64() & 0xFFFFFFFFULL) : r.v[0];
            uint64_t bb = r.sub == 'E' ? r.v[1] : tb.rand64() & mask(40);
            uint64_t c = r.sub == 'E' ? r.v[2] : r.sub == 'L' ? r.v[1] : r.v[0];
            uint64_t b = tb.command(r.line, op, a, bb, c, false, code);
            ++checked;
            if (b != 1) mismatch(r.line, "busy cycles of a refused command", 1, b);
            if (m->count != before) mismatch(r.line, "occupancy after a refused command", before, m->count);
            break;
        }
        case 'D': {
            uint64_t b = tb.command(r.line, 4, tb.rand64() & 0xFFFFFFFFULL, tb.rand64() & mask(40), r.v[0], true);
            const uint64_t n = r.v[3];
            ++checked;
            if (m->resp_slot != r.v[1]) mismatch(r.line, "chosen slot", r.v[1], m->resp_slot);
            ++checked;
            if (b != r.v[2]) mismatch(r.line, "decide cycles", r.v[2], b);
            ++checked;
            if (m->count != n) mismatch(r.line, "occupancy", n, m->count);
            for (uint64_t i = 0; i < n; ++i) {
                m->dbg_slot = (uint32_t)i;
                tb.tick();
                if (m->resp_valid) mismatch(r.line, "resp_valid one cycle after the response (pulse width)", 0, 1);
                ++checked;
                if (m->dbg_score != r.v[4 + 2 * i])
                    mismatch(r.line, "score of slot " + std::to_string(i), r.v[4 + 2 * i], m->dbg_score);
                ++checked;
                if (m->dbg_gamma != r.v[5 + 2 * i])
                    mismatch(r.line, "gamma of slot " + std::to_string(i), r.v[5 + 2 * i], m->dbg_gamma);
            }
            ++decisions;
            break;
        }
        }
    }
    tb.m->final();
    std::printf("monitor: %llu layer-done counts taken through the monitor, %llu cycles simulated\n",
                (unsigned long long)via_monitor, (unsigned long long)tb.cycles);
    std::printf("cosim: %llu decisions, %llu values checked, 0 mismatches\n",
                (unsigned long long)decisions, (unsigned long long)checked);
    (void)end_count;
    return 0;
}
