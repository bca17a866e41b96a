// dysta_scheduler_top: the scheduler beside its monitor, as it would sit next to an
// accelerator (and the unit synthesised for cost).
//
// Ports: every port of dysta_scheduler (same meaning) plus
//   mon_out_valid, mon_out_nonzero[LANES-1:0]   the accelerator's output stream: on each
//                        cycle with mon_out_valid the monitor adds popcount(mon_out_nonzero)
//   mon_clear            clears the monitor count (see dysta_monitor)
//   use_monitor          1: a LAYER_DONE takes nz from the monitor count instead of cmd_a,
//                        and accepting it clears the monitor (the outputs presented in the
//                        accepting cycle already count towards the next layer);
//                        0: nz = cmd_a as in the host protocol, the monitor only counts
//   mon_count[31:0]      the monitor's saturating count
// Everything else is dysta_scheduler's; LANES (default 64, the host's monitor_lanes) is the
// only extra parameter.
`default_nettype none
module dysta_scheduler_top #(
    parameter integer DEPTH_LOG2   = 6,
    parameter integer SCORE_BITS   = 32,
    parameter integer SCORE_FRAC   = 8,
    parameter integer GAMMA_BITS   = 32,
    parameter integer GAMMA_FRAC   = 24,
    parameter integer TIME_BITS    = 32,
    parameter integer VARIANT_BITS = 5,
    parameter integer LAYER_BITS   = 6,
    parameter integer GAMMA_MEAN   = 1,
    parameter integer SCORE_PAPER  = 0,
    parameter integer SHARED_UNITS = 0,
    parameter integer LANES        = 64
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    cmd_valid,
    output wire                    cmd_ready,
    input  wire [2:0]              cmd_op,
    input  wire [31:0]             cmd_a,
    input  wire [39:0]             cmd_b,
    input  wire [39:0]             cmd_c,
    output wire                    resp_valid,
    output wire [DEPTH_LOG2-1:0]   resp_slot,
    output wire [DEPTH_LOG2:0]     count,
    output wire [1:0]              err,
    input  wire [DEPTH_LOG2-1:0]   dbg_slot,
    output wire [SCORE_BITS-1:0]   dbg_score,
    output wire [GAMMA_BITS-1:0]   dbg_gamma,
    input  wire                    mon_out_valid,
    input  wire [LANES-1:0]        mon_out_nonzero,
    input  wire                    mon_clear,
    input  wire                    use_monitor,
    output wire [31:0]             mon_count
);
    wire is_ld     = (cmd_op == 3'd3);
    wire take_mon  = use_monitor & is_ld;
    wire [31:0] a  = take_mon ? mon_count : cmd_a;
    wire clear     = mon_clear | (take_mon & cmd_valid & cmd_ready);

    dysta_monitor #(.LANES(LANES), .COUNT_BITS(32)) u_monitor (
        .clk(clk), .rst(rst), .clear(clear), .out_valid(mon_out_valid),
        .out_nonzero(mon_out_nonzero), .count(mon_count));

    dysta_scheduler #(
        .DEPTH_LOG2(DEPTH_LOG2), .SCORE_BITS(SCORE_BITS), .SCORE_FRAC(SCORE_FRAC),
        .GAMMA_BITS(GAMMA_BITS), .GAMMA_FRAC(GAMMA_FRAC), .TIME_BITS(TIME_BITS),
        .VARIANT_BITS(VARIANT_BITS), .LAYER_BITS(LAYER_BITS), .GAMMA_MEAN(GAMMA_MEAN),
        .SCORE_PAPER(SCORE_PAPER), .SHARED_UNITS(SHARED_UNITS)
    ) u_sched (
        .clk(clk), .rst(rst), .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_op(cmd_op),
        .cmd_a(a), .cmd_b(cmd_b), .cmd_c(cmd_c), .resp_valid(resp_valid),
        .resp_slot(resp_slot), .count(count), .err(err), .dbg_slot(dbg_slot), .dbg_score(dbg_score),
        .dbg_gamma(dbg_gamma));
endmodule
`default_nettype wire
