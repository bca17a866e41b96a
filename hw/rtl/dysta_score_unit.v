// dysta_score_unit: rescores slots 0 .. n-1 for one DECIDE (docs/hardware.md, "Score") and
// streams (slot, score) to the selection unit and the score memory.
//
//   R     = sat_S((gamma * rem[v][k]) >> Fg)
//   slack = deadline > now ? deadline - now : 0            (T bits)
//   slkF  = slack << F                                      (T + F bits)
//   urg   = dysta: (slkF > R ? slkF - R : 0)   paper: slkF
//   bu    = sat_S((urg * beta) >> 16)
//   idle  = now - lastRun                                   (T bits, modulo 2^T)
//   pen   = sat_S((idle * pen[v]) >> (16 - F))
//   penN  = dysta: sat_S((pen * recipn[n]) >> 16)   paper: pen
//   score = sat_S(R + bu + penN)
//
// Every product is full width and takes two register stages (dysta_mul: operands, product).
//
// Timing, cycle c = the clock period that starts at the c-th rising edge after the edge that
// accepted DECIDE (c = 1 is the period right after the acceptance edge; `start` is high in
// the accepting period c = 0):
//   SHARED_UNITS = 0 (parallel, cps = 1): slot j is read in c = 1 + j, its score leaves on
//     out_valid in c = 10 + j. Four multipliers (three with the paper rule).
//   SHARED_UNITS = 1 (shared, cps = 4 dysta / 3 paper): the slot memory address is slot j
//     from the end of M_(j-1) (from the start for j = 0) to the end of M_j, where
//     M_j = 6 + cps*j, so the memory and table outputs (registered reads) hold slot j's
//     operands in M_j and M_j + 1 with no copy; the single external multiplier
//     (mul_a, mul_b -> mul_p two cycles later) takes gamma*rem in M_j, idle*pen in M_j+1,
//     urg*beta in M_j+2 (urg from gamma*rem's product, which arrives in M_j+2) and (dysta)
//     pen*recipn in M_j+3 (pen from idle*pen's product); the score leaves on out_valid in
//     M_j + 7 (dysta) or M_j + 6 (paper). (M_0 could be 3; it is 6 to meet cps*n + 10.)
// Either way the last slot's score leaves in c = cps*n + 9, so the decision is known at the
// end of that period and the whole command takes cps*n + 10 periods (see dysta_scheduler).
`default_nettype none
module dysta_score_unit #(
    parameter integer DEPTH_LOG2   = 6,
    parameter integer SCORE_BITS   = 32,
    parameter integer SCORE_FRAC   = 8,
    parameter integer GAMMA_BITS   = 32,
    parameter integer GAMMA_FRAC   = 24,
    parameter integer TIME_BITS    = 32,
    parameter integer VARIANT_BITS = 5,
    parameter integer LAYER_BITS   = 6,
    parameter integer SCORE_PAPER  = 0,
    parameter integer SHARED_UNITS = 0,
    parameter integer MUL_AW       = 40,   // shared multiplier operand widths (shared only)
    parameter integer MUL_BW       = 32
) (
    input  wire                               clk,
    input  wire                               rst,
    input  wire                               start,    // DECIDE accepted at the coming edge
    input  wire [DEPTH_LOG2:0]                n_in,     // occupied slots (>= 1)
    input  wire [TIME_BITS-1:0]               now_in,
    input  wire [23:0]                        beta,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [16:0]                        recipn,   // recipn[n]; unused by the paper rule
    /* verilator lint_on UNUSEDSIGNAL */
    // slot memory read port (registered read)
    output wire [DEPTH_LOG2-1:0]              slot_ra,
    input  wire [VARIANT_BITS-1:0]            rd_v,
    input  wire [LAYER_BITS-1:0]              rd_k,
    input  wire [GAMMA_BITS-1:0]              rd_gamma,
    input  wire [TIME_BITS-1:0]               rd_deadline,
    input  wire [TIME_BITS-1:0]               rd_last,
    // table read ports (registered read)
    output wire [VARIANT_BITS+LAYER_BITS-1:0] rem_ra,
    output wire [VARIANT_BITS-1:0]            pen_ra,
    input  wire [SCORE_BITS-1:0]              rem_rd,
    input  wire [31:0]                        pen_rd,
    // shared multiplier (SHARED_UNITS = 1; driven to 0 and ignored otherwise)
    output wire [MUL_AW-1:0]                  mul_a,
    output wire [MUL_BW-1:0]                  mul_b,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [MUL_AW+MUL_BW-1:0]           mul_p,
    /* verilator lint_on UNUSEDSIGNAL */
    // score stream
    output reg                                out_valid,
    output reg  [DEPTH_LOG2-1:0]              out_slot,
    output reg  [SCORE_BITS-1:0]              out_score,
    output wire                               out_first,
    output wire                               out_last
);
    localparam integer D  = DEPTH_LOG2;
    localparam integer S  = SCORE_BITS;
    localparam integer F  = SCORE_FRAC;
    localparam integer G  = GAMMA_BITS;
    localparam integer FG = GAMMA_FRAC;
    localparam integer T  = TIME_BITS;
    localparam integer TF = TIME_BITS + SCORE_FRAC;           // slkF and urg width
    localparam integer UW = (TF > S) ? TF : S;                // urgency comparison width
    localparam integer CPS = (SHARED_UNITS == 0) ? 1 : ((SCORE_PAPER != 0) ? 3 : 4);
    localparam [2:0] PH_LAST  = (CPS == 1) ? 3'd0 : ((CPS == 3) ? 3'd2 : 3'd3);
    localparam [2:0] PH_FIRST = (SHARED_UNITS == 0) ? 3'd0 : PH_LAST;

    // ---------------------------------------------------------------- issue (slot reads)
    reg           iss_on;
    reg [2:0]     ph;
    reg [D:0]     iss_cnt;
    reg [D:0]     n_r;
    reg [T-1:0]   now_r;
    wire          issue = iss_on && (ph == 3'd0);

    always @(posedge clk) begin
        if (rst) begin
            iss_on <= 1'b0;
        end else if (start) begin
            iss_on  <= 1'b1;
            iss_cnt <= {(D+1){1'b0}};
            ph      <= PH_FIRST;
        end else if (iss_on) begin
            ph <= (ph == PH_LAST) ? 3'd0 : ph + 3'd1;
            if (issue) begin
                iss_cnt <= iss_cnt + 1'b1;
                if (iss_cnt == n_r - 1'b1) iss_on <= 1'b0;
            end
        end
        if (start) begin
            n_r   <= n_in;
            now_r <= now_in;
        end
    end

    // ---------------------------------------------------------------- slot word, tables
    // v1: the slot word issued one cycle before is on rd_*; v2: its table entries are on
    // *_rd (parallel). In shared mode v1/v2 only time the multiplier phases.
    reg           v1, v2;
    always @(posedge clk) begin
        v1 <= rst ? 1'b0 : issue;
        v2 <= rst ? 1'b0 : v1;
    end
    assign rem_ra = {rd_v, rd_k};
    assign pen_ra = rd_v;
    wire [T-1:0]  slack = (rd_deadline > now_r) ? (rd_deadline - now_r) : {T{1'b0}};
    wire [T-1:0]  idle  = now_r - rd_last;
    wire [TF-1:0] slkF;
    generate
        if (F == 0) begin : g_f0
            assign slkF = slack;
        end else begin : g_f
            assign slkF = {slack, {F{1'b0}}};
        end
    endgenerate

    assign out_first = (out_slot == {D{1'b0}});
    assign out_last  = ({1'b0, out_slot} == n_r - 1'b1);

    generate
        if (SHARED_UNITS == 0) begin : g_par
            assign slot_ra = iss_cnt[D-1:0];
            // ------------------------------------------------ S1: slot word -> S2: tables
            reg [D-1:0]  s1, s2;
            reg [G-1:0]  g2;
            reg [T-1:0]  idle2;
            reg [TF-1:0] slkF2;
            always @(posedge clk) begin
                s1    <= iss_cnt[D-1:0];
                s2    <= s1;
                g2    <= rd_gamma;
                idle2 <= idle;
                slkF2 <= slkF;
            end
            // ------------------------------------------------ S2 -> S3: gamma*rem, idle*pen
            wire [G+S-1:0]  pR;
            wire [T+32-1:0] pP;
            dysta_mul #(.AW(G), .BW(S))  u_mul_r (.clk(clk), .a(g2),    .b(rem_rd), .p(pR));
            dysta_mul #(.AW(T), .BW(32)) u_mul_p (.clk(clk), .a(idle2), .b(pen_rd), .p(pP));
            // products appear two edges after their operands (dysta_mul): side signals wait 2 stages
            reg          v2m, v3;
            reg [D-1:0]  s2m, s3;
            reg [TF-1:0] slk2m, slk3;
            always @(posedge clk) begin
                v2m   <= rst ? 1'b0 : v2;
                s2m   <= s2;
                slk2m <= slkF2;
                v3    <= rst ? 1'b0 : v2m;
                s3    <= s2m;
                slk3  <= slk2m;
            end
            // ------------------------------------------------ S3: R, pen, urgency
            wire [S-1:0] r3, pen3;
            dysta_shr_sat #(.IN_W(G+S),  .SH(FG),     .OUT_W(S)) u_r   (.in(pR), .out(r3));
            dysta_shr_sat #(.IN_W(T+32), .SH(16 - F), .OUT_W(S)) u_pen (.in(pP), .out(pen3));
            wire [TF-1:0] urg3;
            if (SCORE_PAPER != 0) begin : g_up
                assign urg3 = slk3;
            end else begin : g_ud
                wire [UW-1:0] slk_x, r_x;
                dysta_zext #(.IN_W(TF), .OUT_W(UW)) u_zs (.in(slk3), .out(slk_x));
                dysta_zext #(.IN_W(S),  .OUT_W(UW)) u_zr (.in(r3),   .out(r_x));
                wire [UW-1:0] diff = (slk_x > r_x) ? (slk_x - r_x) : {UW{1'b0}};
                dysta_zext #(.IN_W(UW), .OUT_W(TF)) u_zd (.in(diff), .out(urg3));
            end
            reg          v4;
            reg [D-1:0]  s4;
            reg [S-1:0]  r4, pen4;
            reg [TF-1:0] urg4;
            always @(posedge clk) begin
                v4   <= rst ? 1'b0 : v3;
                s4   <= s3;
                r4   <= r3;
                pen4 <= pen3;
                urg4 <= urg3;
            end
            // ------------------------------------------------ S4 -> S5: urg*beta, pen*recipn
            wire [TF+24-1:0] pB;
            dysta_mul #(.AW(TF), .BW(24)) u_mul_b (.clk(clk), .a(urg4), .b(beta), .p(pB));
            reg          v4m, v5;
            reg [D-1:0]  s4m, s5;
            reg [S-1:0]  r4m, r5;
            /* verilator lint_off UNUSEDSIGNAL */
            reg [S-1:0]  pen4m, pen5;     // used by the paper rule only
            /* verilator lint_on UNUSEDSIGNAL */
            always @(posedge clk) begin
                v4m   <= rst ? 1'b0 : v4;
                s4m   <= s4;
                r4m   <= r4;
                pen4m <= pen4;
                v5    <= rst ? 1'b0 : v4m;
                s5    <= s4m;
                r5    <= r4m;
                pen5  <= pen4m;
            end
            // ------------------------------------------------ S5: bu, penN
            wire [S-1:0] bu5, penn5;
            dysta_shr_sat #(.IN_W(TF+24), .SH(16), .OUT_W(S)) u_bu (.in(pB), .out(bu5));
            if (SCORE_PAPER != 0) begin : g_np
                assign penn5 = pen5;
            end else begin : g_nd
                wire [S+17-1:0] pN;
                dysta_mul #(.AW(S), .BW(17)) u_mul_n (.clk(clk), .a(pen4), .b(recipn), .p(pN));
                dysta_shr_sat #(.IN_W(S+17), .SH(16), .OUT_W(S)) u_pn (.in(pN), .out(penn5));
            end
            reg          v6;
            reg [D-1:0]  s6;
            reg [S-1:0]  r6, bu6, penn6;
            always @(posedge clk) begin
                v6    <= rst ? 1'b0 : v5;
                s6    <= s5;
                r6    <= r5;
                bu6   <= bu5;
                penn6 <= penn5;
            end
            // ------------------------------------------------ S6: score
            wire [S+1:0] total = {2'b00, r6} + {2'b00, bu6} + {2'b00, penn6};
            wire [S-1:0] score6;
            dysta_sat #(.IN_W(S+2), .OUT_W(S)) u_sc (.in(total), .out(score6));
            always @(posedge clk) begin
                out_valid <= rst ? 1'b0 : v6;
                out_slot  <= s6;
                out_score <= score6;
            end
            assign mul_a = {MUL_AW{1'b0}};
            assign mul_b = {MUL_BW{1'b0}};
        end else begin : g_sh
            // ------------------------------------------------ phases and the slot address
            reg          v3s;          // v2 one cycle later: M_0 = 6
            reg [6:0]    q;            // q[i]: this is cycle M_j + i of some slot j
            reg [D-1:0]  rd_slot;      // slot memory address
            reg [D-1:0]  slot_a;       // slot id of the M_j operands
            always @(posedge clk) begin
                v3s <= rst ? 1'b0 : v2;
                q   <= rst ? 7'd0 : {q[5:0], v3s};
                if (start)     rd_slot <= {D{1'b0}};
                else if (q[0]) rd_slot <= rd_slot + 1'b1;
                if (q[0]) slot_a <= rd_slot;
            end
            assign slot_ra = rd_slot;
            reg [S-1:0]  r_r, pen_r, bu_r, penn_r;
            reg [TF-1:0] slk_r;
            reg [D-1:0]  slot_r;
            // ------------------------------------------------ product post-processing
            // (the product of the operands presented in M_j + i is on mul_p in M_j + i + 2)
            localparam integer PW = MUL_AW + MUL_BW;
            wire [S-1:0] r_q, pen_q, s16_q;
            dysta_shr_sat #(.IN_W(PW), .SH(FG),     .OUT_W(S)) u_r   (.in(mul_p), .out(r_q));
            dysta_shr_sat #(.IN_W(PW), .SH(16 - F), .OUT_W(S)) u_pen (.in(mul_p), .out(pen_q));
            dysta_shr_sat #(.IN_W(PW), .SH(16),     .OUT_W(S)) u_s16 (.in(mul_p), .out(s16_q));
            wire [TF-1:0] urg_q;
            if (SCORE_PAPER != 0) begin : g_up
                assign urg_q = slk_r;
            end else begin : g_ud
                wire [UW-1:0] slk_x, r_x;
                dysta_zext #(.IN_W(TF), .OUT_W(UW)) u_zs (.in(slk_r), .out(slk_x));
                dysta_zext #(.IN_W(S),  .OUT_W(UW)) u_zr (.in(r_q),   .out(r_x));
                wire [UW-1:0] diff = (slk_x > r_x) ? (slk_x - r_x) : {UW{1'b0}};
                dysta_zext #(.IN_W(UW), .OUT_W(TF)) u_zd (.in(diff), .out(urg_q));
            end
            // ------------------------------------------------ multiplier operands
            // M_j: gamma*rem, M_j+1: idle*pen (slot j's words, straight from the memories),
            // M_j+2: urg*beta (urg from gamma*rem's product), M_j+3: pen*recipn (dysta; pen
            // from idle*pen's product)
            wire [MUL_AW-1:0] a_g, a_idle, a_urg, a_pen;
            wire [MUL_BW-1:0] b_rem, b_pen, b_beta, b_rn;
            dysta_zext #(.IN_W(G),  .OUT_W(MUL_AW)) u_a0 (.in(rd_gamma), .out(a_g));
            dysta_zext #(.IN_W(T),  .OUT_W(MUL_AW)) u_a1 (.in(idle),  .out(a_idle));
            dysta_zext #(.IN_W(TF), .OUT_W(MUL_AW)) u_a2 (.in(urg_q), .out(a_urg));
            dysta_zext #(.IN_W(S),  .OUT_W(MUL_AW)) u_a3 (.in(pen_q), .out(a_pen));
            dysta_zext #(.IN_W(S),  .OUT_W(MUL_BW)) u_b0 (.in(rem_rd), .out(b_rem));
            dysta_zext #(.IN_W(32), .OUT_W(MUL_BW)) u_b1 (.in(pen_rd), .out(b_pen));
            dysta_zext #(.IN_W(24), .OUT_W(MUL_BW)) u_b2 (.in(beta),  .out(b_beta));
            dysta_zext #(.IN_W(17), .OUT_W(MUL_BW)) u_b3 (.in(recipn), .out(b_rn));
            wire use_n = q[3] && (SCORE_PAPER == 0);
            assign mul_a = q[0] ? a_g   : q[1] ? a_idle : q[2] ? a_urg  : use_n ? a_pen : {MUL_AW{1'b0}};
            assign mul_b = q[0] ? b_rem : q[1] ? b_pen  : q[2] ? b_beta : use_n ? b_rn  : {MUL_BW{1'b0}};
            always @(posedge clk) begin
                if (q[1]) slk_r <= slkF;   // slot j's word is on rd_* until the end of M_j + 1
                if (q[2]) begin            // product = gamma * rem
                    r_r    <= r_q;
                    slot_r <= slot_a;
                end
                if (q[3]) pen_r  <= pen_q; // product = idle * pen
                if (q[4]) bu_r   <= s16_q; // product = urg * beta
                if (q[5]) penn_r <= s16_q; // product = pen * recipn (dysta)
            end
            // ------------------------------------------------ score
            wire          qs = (SCORE_PAPER != 0) ? q[5] : q[6];
            wire [S-1:0]  pn = (SCORE_PAPER != 0) ? pen_r : penn_r;
            wire [S+1:0]  total = {2'b00, r_r} + {2'b00, bu_r} + {2'b00, pn};
            wire [S-1:0]  score_q;
            dysta_sat #(.IN_W(S+2), .OUT_W(S)) u_sc (.in(total), .out(score_q));
            always @(posedge clk) begin
                out_valid <= rst ? 1'b0 : qs;
                if (qs) begin
                    out_slot  <= slot_r;
                    out_score <= score_q;
                end
            end
        end
    endgenerate
endmodule
`default_nettype wire
