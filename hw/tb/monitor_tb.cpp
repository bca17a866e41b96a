// Unit test of dysta_monitor against a C++ model: random output vectors, out_valid and clear
// (clear keeps this cycle's outputs: count = popcount if out_valid else 0), then a run of
// all-ones vectors into saturation. Built by hw/tb/monitor_test.sh for a few LANES/COUNT_BITS.
#include "Vdysta_monitor.h"
#include "verilated.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#ifndef TB_LANES
#error "compile with -DTB_LANES=... -DTB_COUNT_BITS=..."
#endif

namespace {
uint64_t rng = 0x243F6A8885A308D3ULL;
uint64_t rand64() {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}
}  // namespace

int main(int argc, char** argv) {
    const int lanes = TB_LANES, bits = TB_COUNT_BITS;
    const uint64_t lane_mask = lanes >= 64 ? ~0ULL : ((1ULL << lanes) - 1);
    const uint64_t max = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
    uint64_t random_cycles = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
    auto ctx = std::make_unique<VerilatedContext>();
    auto m = std::make_unique<Vdysta_monitor>(ctx.get());
    auto tick = [&]() { m->clk = 1; m->eval(); m->clk = 0; m->eval(); };
    m->clk = 0; m->rst = 1; m->clear = 0; m->out_valid = 0; m->out_nonzero = 0;
    m->eval();
    tick(); tick();
    m->rst = 0;
    uint64_t model = 0, checks = 0, clears = 0, saturated = 0;
    auto step = [&](bool clear, bool valid, uint64_t vec) {
        m->clear = clear; m->out_valid = valid; m->out_nonzero = vec & lane_mask;
        tick();
        uint64_t pop = valid ? (uint64_t)__builtin_popcountll(vec & lane_mask) : 0;
        uint64_t base = clear ? 0 : model;
        model = (base > max - pop) ? max : base + pop;
        ++checks;
        if ((uint64_t)m->count != model) {
            std::printf("MISMATCH cycle %llu: monitor count expected %llu got %llu\n",
                        (unsigned long long)checks, (unsigned long long)model, (unsigned long long)m->count);
            std::exit(1);
        }
        if (model == max) ++saturated;
    };
    for (uint64_t c = 0; c < random_cycles; ++c) {
        bool clear = rand64() % 50 == 0;
        clears += clear;
        step(clear, rand64() % 10 < 7, rand64());
    }
    step(true, false, 0);
    // all ones until the counter saturates, then some more, then a clear with outputs
    uint64_t need = max / (uint64_t)lanes + 8;
    for (uint64_t c = 0; c < need; ++c) step(false, true, ~0ULL);
    step(true, true, 0x5ULL);
    m->final();
    std::printf("monitor LANES=%d COUNT_BITS=%d: %llu cycles checked (%llu clears, %llu saturated), 0 mismatches\n",
                lanes, bits, (unsigned long long)checks, (unsigned long long)clears, (unsigned long long)saturated);
    return 0;
}
