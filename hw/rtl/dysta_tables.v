// dysta_tables: the host-written tables of docs/hardware.md, each its own dysta_ram (one
// write port shared through the WRITE command, one synchronous read port per table):
//
//   id table    entries              bits      index (cmd_b)      read by
//   0  rem      2^(V+Lb)             S         v*2^Lb + k         score unit
//   1  pen      2^V                  32 Q16.16 v                  score unit
//   2  mant     2^(V+Lb)             16        v*2^Lb + k         gamma unit
//   3  shift    2^(V+Lb)             6         v*2^Lb + k         gamma unit
//   4  layers   2^V                  Lb+1      v                  gamma unit
//   5  recipn   2^D                  17 Q1.16  n-1                score unit
//   6  recipk   2^Lb                 17 Q1.16  j-1                gamma unit
//   7  beta     1 (register)         24 Q8.16  0                  score unit
//
// A written value keeps its low `bits` bits; an index keeps its low log2(entries) bits (the
// host writes in range). Writes with an id above 7 are ignored. Tables have no reset.
`default_nettype none
module dysta_tables #(
    parameter integer DEPTH_LOG2   = 6,
    parameter integer SCORE_BITS   = 32,
    parameter integer VARIANT_BITS = 5,
    parameter integer LAYER_BITS   = 6
) (
    input  wire                               clk,
    input  wire                               rst,
    // host write (WRITE command)
    input  wire                               we,
    input  wire [31:0]                        wid,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [39:0]                        widx,
    input  wire [39:0]                        wval,
    /* verilator lint_on UNUSEDSIGNAL */
    // read ports (registered, one cycle)
    input  wire [VARIANT_BITS+LAYER_BITS-1:0] rem_ra,
    output wire [SCORE_BITS-1:0]              rem_rd,
    input  wire [VARIANT_BITS-1:0]            pen_ra,
    output wire [31:0]                        pen_rd,
    input  wire [VARIANT_BITS+LAYER_BITS-1:0] ms_ra,
    output wire [15:0]                        mant_rd,
    output wire [5:0]                         shift_rd,
    input  wire [VARIANT_BITS-1:0]            lay_ra,
    output wire [LAYER_BITS:0]                layers_rd,
    input  wire [DEPTH_LOG2-1:0]              rn_ra,
    output wire [16:0]                        recipn_rd,
    input  wire [LAYER_BITS-1:0]              rk_ra,
    output wire [16:0]                        recipk_rd,
    output reg  [23:0]                        beta
);
    localparam integer VL = VARIANT_BITS + LAYER_BITS;

    wire w_rem    = we && (wid == 32'd0);
    wire w_pen    = we && (wid == 32'd1);
    wire w_mant   = we && (wid == 32'd2);
    wire w_shift  = we && (wid == 32'd3);
    wire w_layers = we && (wid == 32'd4);
    wire w_recipn = we && (wid == 32'd5);
    wire w_recipk = we && (wid == 32'd6);
    wire w_beta   = we && (wid == 32'd7);

    dysta_ram #(.AW(VL), .DW(SCORE_BITS)) u_rem (
        .clk(clk), .we(w_rem), .wa(widx[VL-1:0]), .wd(wval[SCORE_BITS-1:0]),
        .ra(rem_ra), .rd(rem_rd));
    dysta_ram #(.AW(VARIANT_BITS), .DW(32)) u_pen (
        .clk(clk), .we(w_pen), .wa(widx[VARIANT_BITS-1:0]), .wd(wval[31:0]),
        .ra(pen_ra), .rd(pen_rd));
    dysta_ram #(.AW(VL), .DW(16)) u_mant (
        .clk(clk), .we(w_mant), .wa(widx[VL-1:0]), .wd(wval[15:0]),
        .ra(ms_ra), .rd(mant_rd));
    dysta_ram #(.AW(VL), .DW(6)) u_shift (
        .clk(clk), .we(w_shift), .wa(widx[VL-1:0]), .wd(wval[5:0]),
        .ra(ms_ra), .rd(shift_rd));
    dysta_ram #(.AW(VARIANT_BITS), .DW(LAYER_BITS+1)) u_layers (
        .clk(clk), .we(w_layers), .wa(widx[VARIANT_BITS-1:0]), .wd(wval[LAYER_BITS:0]),
        .ra(lay_ra), .rd(layers_rd));
    dysta_ram #(.AW(DEPTH_LOG2), .DW(17)) u_recipn (
        .clk(clk), .we(w_recipn), .wa(widx[DEPTH_LOG2-1:0]), .wd(wval[16:0]),
        .ra(rn_ra), .rd(recipn_rd));
    dysta_ram #(.AW(LAYER_BITS), .DW(17)) u_recipk (
        .clk(clk), .we(w_recipk), .wa(widx[LAYER_BITS-1:0]), .wd(wval[16:0]),
        .ra(rk_ra), .rd(recipk_rd));

    always @(posedge clk) begin
        if (rst) beta <= 24'd0;
        else if (w_beta) beta <= wval[23:0];
    end
endmodule
`default_nettype wire
