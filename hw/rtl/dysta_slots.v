// dysta_slots: the request table. Two memories of 2^D words, each with one write port and
// one synchronous read port sharing the read address `ra`:
//   state word: variant v (V), next layer k (Lb), gamma (G), ratio sum (G+Lb, mean rule only),
//               deadline (T), last-run time (T)
//   score word: the score (S), written by DECIDE (and 0 by ENQUEUE)
// Read data is registered (one cycle). No reset: slot n..2^D-1 contents are don't-care.
`default_nettype none
module dysta_slots #(
    parameter integer DEPTH_LOG2   = 6,
    parameter integer SCORE_BITS   = 32,
    parameter integer GAMMA_BITS   = 32,
    parameter integer TIME_BITS    = 32,
    parameter integer VARIANT_BITS = 5,
    parameter integer LAYER_BITS   = 6,
    parameter integer GAMMA_MEAN   = 1
) (
    input  wire                           clk,
    input  wire [DEPTH_LOG2-1:0]          ra,
    output wire [VARIANT_BITS-1:0]        rd_v,
    output wire [LAYER_BITS-1:0]          rd_k,
    output wire [GAMMA_BITS-1:0]          rd_gamma,
    output wire [GAMMA_BITS+LAYER_BITS-1:0] rd_sum,
    output wire [TIME_BITS-1:0]           rd_deadline,
    output wire [TIME_BITS-1:0]           rd_last,
    output wire [SCORE_BITS-1:0]          rd_score,
    input  wire                           we,
    input  wire [DEPTH_LOG2-1:0]          wa,
    input  wire [VARIANT_BITS-1:0]        wd_v,
    input  wire [LAYER_BITS-1:0]          wd_k,
    input  wire [GAMMA_BITS-1:0]          wd_gamma,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [GAMMA_BITS+LAYER_BITS-1:0] wd_sum,   // unused with the last rule
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [TIME_BITS-1:0]           wd_deadline,
    input  wire [TIME_BITS-1:0]           wd_last,
    input  wire                           swe,
    input  wire [DEPTH_LOG2-1:0]          swa,
    input  wire [SCORE_BITS-1:0]          swd
);
    localparam integer SUMW = GAMMA_BITS + LAYER_BITS;
    localparam integer BASE = VARIANT_BITS + LAYER_BITS + GAMMA_BITS + 2 * TIME_BITS;

    generate
        if (GAMMA_MEAN != 0) begin : g_mean
            wire [BASE+SUMW-1:0] rword;
            dysta_ram #(.AW(DEPTH_LOG2), .DW(BASE + SUMW)) u_state (
                .clk(clk), .we(we), .wa(wa),
                .wd({wd_v, wd_k, wd_gamma, wd_sum, wd_deadline, wd_last}),
                .ra(ra), .rd(rword));
            assign {rd_v, rd_k, rd_gamma, rd_sum, rd_deadline, rd_last} = rword;
        end else begin : g_last
            wire [BASE-1:0] rword;
            dysta_ram #(.AW(DEPTH_LOG2), .DW(BASE)) u_state (
                .clk(clk), .we(we), .wa(wa),
                .wd({wd_v, wd_k, wd_gamma, wd_deadline, wd_last}),
                .ra(ra), .rd(rword));
            assign {rd_v, rd_k, rd_gamma, rd_deadline, rd_last} = rword;
            assign rd_sum = {SUMW{1'b0}};
        end
    endgenerate

    dysta_ram #(.AW(DEPTH_LOG2), .DW(SCORE_BITS)) u_score (
        .clk(clk), .we(swe), .wa(swa), .wd(swd), .ra(ra), .rd(rd_score));
endmodule
`default_nettype wire
