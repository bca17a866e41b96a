// dysta_gamma_unit: the LAYER_DONE command (docs/hardware.md, "gamma update"):
//
//   ratio = sat_G((nz * mant[v][k]) >> shift[v][k])
//   last:  gamma = ratio
//   mean:  sum = sat_{G+Lb}(sum + ratio);  gamma = sat_G((sum * recipk[k+1]) >> 16)
//   k = k + 1;  lastRun = now
//   if k >= layers[v] (it was the last layer): slot n-1 moves into the running slot, n -= 1
//
// One multiplier (external: mul_a, mul_b -> mul_p two cycles later) is used twice.
// Cycle c = the clock period starting at the c-th edge after the accepting edge (`start` is
// high in the accepting period c = 0; the scheduler presents the running slot's address to
// the slot memory in that period):
//   c = 1  slot word of the running slot on rd_*; table addresses; scheduler reads slot n-1
//   c = 2  tables on *_rd: nz * mant;  slot n-1 word on rd_* (kept for the move)
//   c = 4  ratio
//   c = 5  sum, and sum * recipk
//   c = 7  gamma; `done`: the slot write and the count update happen at the end of c = 7
// so the command takes 8 periods (cmd_ready is high again in c = 8).
`default_nettype none
module dysta_gamma_unit #(
    parameter integer SCORE_BITS   = 32,
    parameter integer GAMMA_BITS   = 32,
    parameter integer TIME_BITS    = 32,
    parameter integer VARIANT_BITS = 5,
    parameter integer LAYER_BITS   = 6,
    parameter integer GAMMA_MEAN   = 1,
    parameter integer MUL_AW       = 38,
    parameter integer MUL_BW       = 17
) (
    input  wire                               clk,
    input  wire                               rst,
    input  wire                               start,
    input  wire [31:0]                        nz_in,
    input  wire [TIME_BITS-1:0]               now_in,
    // slot memory read data (registered read; the address is muxed by the scheduler)
    input  wire [VARIANT_BITS-1:0]            rd_v,
    input  wire [LAYER_BITS-1:0]              rd_k,
    input  wire [GAMMA_BITS-1:0]              rd_gamma,
    input  wire [GAMMA_BITS+LAYER_BITS-1:0]   rd_sum,
    input  wire [TIME_BITS-1:0]               rd_deadline,
    input  wire [TIME_BITS-1:0]               rd_last,
    input  wire [SCORE_BITS-1:0]              rd_score,
    // tables
    output wire [VARIANT_BITS+LAYER_BITS-1:0] ms_ra,
    output wire [VARIANT_BITS-1:0]            lay_ra,
    output wire [LAYER_BITS-1:0]              rk_ra,
    input  wire [15:0]                        mant_rd,
    input  wire [5:0]                         shift_rd,
    input  wire [LAYER_BITS:0]                layers_rd,
    input  wire [16:0]                        recipk_rd,
    // multiplier
    output wire [MUL_AW-1:0]                  mul_a,
    output wire [MUL_BW-1:0]                  mul_b,
    input  wire [MUL_AW+MUL_BW-1:0]           mul_p,
    // control
    output wire                               busy,      // c = 1 .. 7
    output wire                               read_last, // c = 1: read slot n-1
    output wire                               done,      // c = 7: write back
    output wire                               fin,       // with done: request finished
    // write-back to the running slot (with done)
    output wire [VARIANT_BITS-1:0]            wd_v,
    output wire [LAYER_BITS-1:0]              wd_k,
    output wire [GAMMA_BITS-1:0]              wd_gamma,
    output wire [GAMMA_BITS+LAYER_BITS-1:0]   wd_sum,
    output wire [TIME_BITS-1:0]               wd_deadline,
    output wire [TIME_BITS-1:0]               wd_last,
    output wire [SCORE_BITS-1:0]              wd_score
);
    localparam integer G   = GAMMA_BITS;
    localparam integer LB  = LAYER_BITS;
    localparam integer SUMW = GAMMA_BITS + LAYER_BITS;
    localparam integer PW  = MUL_AW + MUL_BW;

    reg [2:0] st;
    always @(posedge clk) begin
        if (rst)               st <= 3'd0;
        else if (start)        st <= 3'd1;
        else if (st == 3'd7)   st <= 3'd0;
        else if (st != 3'd0)   st <= st + 3'd1;
    end
    assign busy      = (st != 3'd0);
    assign read_last = (st == 3'd1);
    assign done      = (st == 3'd7);

    reg [31:0]          nz_r;
    reg [TIME_BITS-1:0] now_r;
    always @(posedge clk) begin
        if (start) begin
            nz_r  <= nz_in;
            now_r <= now_in;
        end
    end

    // c = 1: the running slot's word
    assign ms_ra  = {rd_v, rd_k};
    assign lay_ra = rd_v;
    assign rk_ra  = rd_k;
    reg [VARIANT_BITS-1:0] w_v;
    reg [LB-1:0]           w_k;
    reg [SUMW-1:0]         w_sum;
    reg [TIME_BITS-1:0]    w_dl;
    always @(posedge clk) begin
        if (st == 3'd1) begin
            w_v   <= rd_v;
            w_k   <= rd_k;
            w_sum <= rd_sum;
            w_dl  <= rd_deadline;
        end
    end

    // c = 2: tables; slot n-1's word (the move candidate)
    reg [5:0]              sh_r;
    reg [16:0]             rk_r;
    reg                    fin_r;
    reg [VARIANT_BITS-1:0] mv_v;
    reg [LB-1:0]           mv_k;
    reg [G-1:0]            mv_gamma;
    reg [SUMW-1:0]         mv_sum;
    reg [TIME_BITS-1:0]    mv_dl, mv_last;
    reg [SCORE_BITS-1:0]   mv_score;
    wire [LB:0]            k_next = {1'b0, w_k} + 1'b1;
    always @(posedge clk) begin
        if (st == 3'd2) begin
            sh_r     <= shift_rd;
            rk_r     <= recipk_rd;
            fin_r    <= (k_next >= layers_rd);
            mv_v     <= rd_v;
            mv_k     <= rd_k;
            mv_gamma <= rd_gamma;
            mv_sum   <= rd_sum;
            mv_dl    <= rd_deadline;
            mv_last  <= rd_last;
            mv_score <= rd_score;
        end
    end

    // multiplier: c = 2 nz * mant, c = 5 sum * recipk
    reg  [SUMW-1:0]   sum_r;
    wire [SUMW-1:0]   sum_next;
    wire [MUL_AW-1:0] a_nz, a_sum;
    wire [MUL_BW-1:0] b_mant, b_rk;
    dysta_zext #(.IN_W(32),   .OUT_W(MUL_AW)) u_a0 (.in(nz_r),    .out(a_nz));
    dysta_zext #(.IN_W(SUMW), .OUT_W(MUL_AW)) u_a1 (.in(sum_next), .out(a_sum));
    dysta_zext #(.IN_W(16),   .OUT_W(MUL_BW)) u_b0 (.in(mant_rd), .out(b_mant));
    dysta_zext #(.IN_W(17),   .OUT_W(MUL_BW)) u_b1 (.in(rk_r),    .out(b_rk));
    wire use_mean = (st == 3'd5) && (GAMMA_MEAN != 0);
    assign mul_a = (st == 3'd2) ? a_nz   : use_mean ? a_sum : {MUL_AW{1'b0}};
    assign mul_b = (st == 3'd2) ? b_mant : use_mean ? b_rk  : {MUL_BW{1'b0}};

    // c = 4: ratio (registered); c = 5: the running sum, straight into the multiplier
    wire [PW-1:0]  shifted = mul_p >> sh_r;
    wire [G-1:0]   ratio;
    dysta_sat #(.IN_W(PW), .OUT_W(G)) u_ratio (.in(shifted), .out(ratio));
    reg  [G-1:0]   ratio_r;
    always @(posedge clk) begin
        if (st == 3'd4) ratio_r <= ratio;
    end
    wire [SUMW:0]  ratio_x;
    dysta_zext #(.IN_W(G), .OUT_W(SUMW + 1)) u_rx (.in(ratio_r), .out(ratio_x));
    wire [SUMW:0]  sum_add = {1'b0, w_sum} + ratio_x;
    dysta_sat #(.IN_W(SUMW + 1), .OUT_W(SUMW)) u_sum (.in(sum_add), .out(sum_next));
    always @(posedge clk) begin
        if (st == 3'd5) sum_r <= sum_next;
    end

    // c = 7: gamma
    wire [G-1:0] gamma_mean;
    dysta_shr_sat #(.IN_W(PW), .SH(16), .OUT_W(G)) u_gm (.in(mul_p), .out(gamma_mean));
    wire [G-1:0] gamma_new = (GAMMA_MEAN != 0) ? gamma_mean : ratio_r;

    assign fin         = fin_r;
    assign wd_v        = fin_r ? mv_v     : w_v;
    assign wd_k        = fin_r ? mv_k     : k_next[LB-1:0];
    assign wd_gamma    = fin_r ? mv_gamma : gamma_new;
    assign wd_sum      = fin_r ? mv_sum   : sum_r;
    assign wd_deadline = fin_r ? mv_dl    : w_dl;
    assign wd_last     = fin_r ? mv_last  : now_r;
    assign wd_score    = mv_score;
endmodule
`default_nettype wire
