// dysta_scheduler: Dysta's dynamic scheduling level in hardware (docs/hardware.md).
//
// Parameters (docs/hardware.md, "Parameters"; names in capitals):
//   DEPTH_LOG2 (D, 4-10), SCORE_BITS (S, 8-32), SCORE_FRAC (F, 0-16, < S),
//   GAMMA_BITS (G, 8-32), GAMMA_FRAC (Fg, 1..G-1), TIME_BITS (T, 16-40),
//   VARIANT_BITS (V, 1-8), LAYER_BITS (Lb, 1-10),
//   GAMMA_MEAN   1 = gamma_rule mean, 0 = last
//   SCORE_PAPER  1 = score_rule paper, 0 = dysta
//   SHARED_UNITS 1 = units shared (one multiplier), 0 = parallel (score unit: 4 multipliers,
//                3 with the paper rule; gamma unit: 1)
//
// Ports:
//   clk, rst             rst is synchronous, active high (clears count, busy, resp_valid and
//                        beta; memories are not reset: the host writes every table entry it
//                        uses and slots are filled by ENQUEUE)
//   cmd_valid, cmd_ready command handshake; a command is accepted on a rising edge where
//                        cmd_valid && cmd_ready. cmd_ready is a register output.
//   cmd_op[2:0]          1 WRITE, 2 ENQUEUE, 3 LAYER_DONE, 4 DECIDE; 0, 5, 6, 7 are accepted
//                        and ignored (one cycle)
//   cmd_a[31:0]          WRITE: table id (0-7, others ignored); ENQUEUE: variant (low V bits);
//                        LAYER_DONE: nz (the monitor count, 32 bits)
//   cmd_b[39:0]          WRITE: index (low bits kept); ENQUEUE: deadline (low T bits)
//   cmd_c[39:0]          WRITE: value (low table-width bits kept); ENQUEUE: arrival;
//                        LAYER_DONE, DECIDE: now (low T bits)
//   resp_valid           one-cycle pulse at the end of a DECIDE (see below)
//   resp_slot[D-1:0]     the winner; valid with resp_valid and held until the next DECIDE is
//                        accepted. It is also the running slot used by LAYER_DONE.
//   count[D:0]           occupied slots n (register)
//   err[1:0]             host error of the last accepted command (register, 0 after reset):
//                        0 accepted; 1 DECIDE on an empty table; 2 ENQUEUE into a full table;
//                        3 LAYER_DONE with no running request (before any DECIDE, or after
//                        the running request finished). A refused command changes nothing
//                        else and takes 1 cycle (cmd_ready stays high); the next accepted
//                        command sets err back to 0.
//   dbg_slot[D-1:0]      debug read address (input)
//   dbg_score[S-1:0], dbg_gamma[G-1:0]
//                        ONE-CYCLE registered read: while the scheduler is idle (cmd_ready
//                        high) and no LAYER_DONE is being accepted, the value of slot
//                        dbg_slot sampled at a rising edge appears on dbg_score / dbg_gamma
//                        right after that edge. (The read port is shared with the datapath,
//                        so during a command they show internal reads.)
//
// Busy cycles (the "busy cycles" of the Host protocol table), exactly:
//   Let edge E0 accept a command and call "busy period i" (i >= 1) the clock period that
//   begins at edge E0 + i - 1. A command with B busy cycles keeps cmd_ready low in busy
//   periods 1 .. B-1 and raises it in busy period B, so the next command can be accepted at
//   edge E0 + B at the earliest. B is the number of edges from the accepting edge (excluded)
//   to the first edge where cmd_ready is sampled high (included).
//     WRITE 1, ENQUEUE 1 (cmd_ready never drops: one command per cycle)
//     LAYER_DONE 8
//     DECIDE cps*n + 10 (cps = 1 parallel; shared: 4 dysta, 3 paper)
//     a refused command (err != 0) 1
//   For DECIDE, resp_valid is high exactly in busy period B (the same period in which
//   cmd_ready is high again), with resp_slot. Every state change of a command (slot writes,
//   scores, count) is done by the end of busy period B-1, so in period B the dbg port already
//   reads the new state, and a command accepted at E0 + B sees it.
//   (WRITE and ENQUEUE update the tables / slot n / count at their accepting edge.)
`default_nettype none
module dysta_scheduler #(
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
    parameter integer SHARED_UNITS = 0
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    cmd_valid,
    output wire                    cmd_ready,
    input  wire [2:0]              cmd_op,
    input  wire [31:0]             cmd_a,
    input  wire [39:0]             cmd_b,
    input  wire [39:0]             cmd_c,
    output reg                     resp_valid,
    output wire [DEPTH_LOG2-1:0]   resp_slot,
    output reg  [DEPTH_LOG2:0]     count,
    output reg  [1:0]              err,
    input  wire [DEPTH_LOG2-1:0]   dbg_slot,
    output wire [SCORE_BITS-1:0]   dbg_score,
    output wire [GAMMA_BITS-1:0]   dbg_gamma
);
    localparam integer D  = DEPTH_LOG2;
    localparam integer S  = SCORE_BITS;
    localparam integer G  = GAMMA_BITS;
    localparam integer T  = TIME_BITS;
    localparam integer V  = VARIANT_BITS;
    localparam integer LB = LAYER_BITS;
    localparam integer SUMW = G + LB;

    // multiplier operand widths: shared = one multiplier for every product of both units;
    // parallel = the gamma unit's own multiplier (nz*mant, sum*recipk)
    localparam integer GA  = (SUMW > 32) ? SUMW : 32;
    localparam integer TF  = T + SCORE_FRAC;
    localparam integer MA0 = (TF > S) ? TF : S;
    localparam integer MA1 = (MA0 > G) ? MA0 : G;
    localparam integer MA  = (MA1 > GA) ? MA1 : GA;
    localparam integer MB  = (S > 32) ? S : 32;
    localparam integer GU_AW = (SHARED_UNITS != 0) ? MA : GA;
    localparam integer GU_BW = (SHARED_UNITS != 0) ? MB : 17;

    localparam [2:0] OP_WRITE = 3'd1, OP_ENQ = 3'd2, OP_LD = 3'd3, OP_DEC = 3'd4;

    // ------------------------------------------------------------------ command control
    reg  busy_ld, busy_dec;
    assign cmd_ready = ~(busy_ld | busy_dec);
    reg  running;                           // resp_slot holds a request that has not finished
    wire acc   = cmd_valid & cmd_ready;
    wire empty = (count == {(D+1){1'b0}});
    wire full  = count[D];                  // count == 2^D
    wire bad_d = (cmd_op == OP_DEC) & empty;
    wire bad_e = (cmd_op == OP_ENQ) & full;
    wire bad_l = (cmd_op == OP_LD) & ~running;
    wire acc_w = acc & (cmd_op == OP_WRITE);
    wire acc_e = acc & (cmd_op == OP_ENQ) & ~bad_e;
    wire acc_l = acc & (cmd_op == OP_LD) & ~bad_l;
    wire acc_d = acc & (cmd_op == OP_DEC) & ~bad_d;

    wire su_valid, su_first, su_last;
    wire [D-1:0] su_slot;
    wire [S-1:0] su_score;
    wire su_done = su_valid & su_last;
    wire gu_done, gu_fin, gu_read_last;
    /* verilator lint_off UNUSEDSIGNAL */
    wire gu_busy;                           // shared units only
    /* verilator lint_on UNUSEDSIGNAL */

    always @(posedge clk) begin
        if (rst) begin
            busy_ld    <= 1'b0;
            busy_dec   <= 1'b0;
            resp_valid <= 1'b0;
            count      <= {(D+1){1'b0}};
            err        <= 2'd0;
            running    <= 1'b0;
        end else begin
            resp_valid <= su_done;
            if (acc) err <= bad_d ? 2'd1 : bad_e ? 2'd2 : bad_l ? 2'd3 : 2'd0;
            if (su_done)                running <= 1'b1;
            else if (gu_done && gu_fin) running <= 1'b0;
            if (acc_l)        busy_ld <= 1'b1;
            else if (gu_done) busy_ld <= 1'b0;
            if (acc_d)        busy_dec <= 1'b1;
            else if (su_done) busy_dec <= 1'b0;
            if (acc_e)                  count <= count + 1'b1;
            else if (gu_done && gu_fin) count <= count - 1'b1;
        end
    end

    // ------------------------------------------------------------------ tables
    wire [V+LB-1:0] rem_ra, ms_ra;
    wire [V-1:0]    pen_ra, lay_ra;
    wire [LB-1:0]   rk_ra;
    wire [S-1:0]    rem_rd;
    wire [31:0]     pen_rd;
    wire [15:0]     mant_rd;
    wire [5:0]      shift_rd;
    wire [LB:0]     layers_rd;
    wire [16:0]     recipn_rd, recipk_rd;
    wire [23:0]     beta;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [D:0]      n_minus_1 = count - 1'b1; // n >= 1 where used: bit D is 0
    /* verilator lint_on UNUSEDSIGNAL */

    dysta_tables #(
        .DEPTH_LOG2(D), .SCORE_BITS(S), .VARIANT_BITS(V), .LAYER_BITS(LB)
    ) u_tables (
        .clk(clk), .rst(rst),
        .we(acc_w), .wid(cmd_a), .widx(cmd_b), .wval(cmd_c),
        .rem_ra(rem_ra), .rem_rd(rem_rd), .pen_ra(pen_ra), .pen_rd(pen_rd),
        .ms_ra(ms_ra), .mant_rd(mant_rd), .shift_rd(shift_rd),
        .lay_ra(lay_ra), .layers_rd(layers_rd),
        .rn_ra(n_minus_1[D-1:0]), .recipn_rd(recipn_rd),
        .rk_ra(rk_ra), .recipk_rd(recipk_rd), .beta(beta));

    // ------------------------------------------------------------------ slot storage
    wire [D-1:0]    su_ra;
    reg  [D-1:0]    slot_ra;
    always @(*) begin
        if (busy_dec)          slot_ra = su_ra;
        else if (gu_read_last) slot_ra = n_minus_1[D-1:0];
        else if (acc_l)        slot_ra = resp_slot;
        else                   slot_ra = dbg_slot;
    end
    wire [V-1:0]    rd_v;
    wire [LB-1:0]   rd_k;
    wire [G-1:0]    rd_gamma;
    wire [SUMW-1:0] rd_sum;
    wire [T-1:0]    rd_deadline, rd_last;
    wire [S-1:0]    rd_score;

    wire [V-1:0]    gw_v;
    wire [LB-1:0]   gw_k;
    wire [G-1:0]    gw_gamma;
    wire [SUMW-1:0] gw_sum;
    wire [T-1:0]    gw_dl, gw_last;
    wire [S-1:0]    gw_score;

    localparam [G-1:0] GAMMA_ONE = {{(G-1){1'b0}}, 1'b1} << GAMMA_FRAC;

    wire            st_we   = acc_e | gu_done;
    wire [D-1:0]    st_wa   = acc_e ? count[D-1:0] : resp_slot;
    wire [V-1:0]    st_v    = acc_e ? cmd_a[V-1:0] : gw_v;
    wire [LB-1:0]   st_k    = acc_e ? {LB{1'b0}} : gw_k;
    wire [G-1:0]    st_g    = acc_e ? GAMMA_ONE : gw_gamma;
    wire [SUMW-1:0] st_sum  = acc_e ? {SUMW{1'b0}} : gw_sum;
    wire [T-1:0]    st_dl   = acc_e ? cmd_b[T-1:0] : gw_dl;
    wire [T-1:0]    st_last = acc_e ? cmd_c[T-1:0] : gw_last;

    wire            sc_we = acc_e | su_valid | (gu_done & gu_fin);
    wire [D-1:0]    sc_wa = acc_e ? count[D-1:0] : su_valid ? su_slot : resp_slot;
    wire [S-1:0]    sc_wd = acc_e ? {S{1'b0}} : su_valid ? su_score : gw_score;

    dysta_slots #(
        .DEPTH_LOG2(D), .SCORE_BITS(S), .GAMMA_BITS(G), .TIME_BITS(T),
        .VARIANT_BITS(V), .LAYER_BITS(LB), .GAMMA_MEAN(GAMMA_MEAN)
    ) u_slots (
        .clk(clk), .ra(slot_ra),
        .rd_v(rd_v), .rd_k(rd_k), .rd_gamma(rd_gamma), .rd_sum(rd_sum),
        .rd_deadline(rd_deadline), .rd_last(rd_last), .rd_score(rd_score),
        .we(st_we), .wa(st_wa), .wd_v(st_v), .wd_k(st_k), .wd_gamma(st_g), .wd_sum(st_sum),
        .wd_deadline(st_dl), .wd_last(st_last),
        .swe(sc_we), .swa(sc_wa), .swd(sc_wd));

    assign dbg_score = rd_score;
    assign dbg_gamma = rd_gamma;

    // ------------------------------------------------------------------ multipliers
    /* verilator lint_off UNUSEDSIGNAL */
    wire [MA-1:0]       su_mul_a;           // shared units only
    wire [MB-1:0]       su_mul_b;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [GU_AW-1:0]    gu_mul_a;
    wire [GU_BW-1:0]    gu_mul_b;
    wire [MA+MB-1:0]    sh_p;
    wire [GU_AW+GU_BW-1:0] gu_p;
    generate
        if (SHARED_UNITS != 0) begin : g_shared
            // one multiplier for both units (a DECIDE and a LAYER_DONE never overlap)
            wire [MA-1:0] ma = gu_busy ? gu_mul_a : su_mul_a;
            wire [MB-1:0] mb = gu_busy ? gu_mul_b : su_mul_b;
            dysta_mul #(.AW(MA), .BW(MB)) u_mul (.clk(clk), .a(ma), .b(mb), .p(sh_p));
            assign gu_p = sh_p;
        end else begin : g_parallel
            dysta_mul #(.AW(GU_AW), .BW(GU_BW)) u_mul_g (.clk(clk), .a(gu_mul_a), .b(gu_mul_b), .p(gu_p));
            assign sh_p = {(MA+MB){1'b0}};
        end
    endgenerate

    // ------------------------------------------------------------------ score unit
    dysta_score_unit #(
        .DEPTH_LOG2(D), .SCORE_BITS(S), .SCORE_FRAC(SCORE_FRAC), .GAMMA_BITS(G),
        .GAMMA_FRAC(GAMMA_FRAC), .TIME_BITS(T), .VARIANT_BITS(V), .LAYER_BITS(LB),
        .SCORE_PAPER(SCORE_PAPER), .SHARED_UNITS(SHARED_UNITS), .MUL_AW(MA), .MUL_BW(MB)
    ) u_score (
        .clk(clk), .rst(rst), .start(acc_d), .n_in(count), .now_in(cmd_c[T-1:0]),
        .beta(beta), .recipn(recipn_rd),
        .slot_ra(su_ra), .rd_v(rd_v), .rd_k(rd_k), .rd_gamma(rd_gamma),
        .rd_deadline(rd_deadline), .rd_last(rd_last),
        .rem_ra(rem_ra), .pen_ra(pen_ra), .rem_rd(rem_rd), .pen_rd(pen_rd),
        .mul_a(su_mul_a), .mul_b(su_mul_b), .mul_p(sh_p),
        .out_valid(su_valid), .out_slot(su_slot), .out_score(su_score),
        .out_first(su_first), .out_last(su_last));

    // ------------------------------------------------------------------ selection
    /* verilator lint_off UNUSEDSIGNAL */
    wire [S-1:0] best_score;
    /* verilator lint_on UNUSEDSIGNAL */
    dysta_select #(.DEPTH_LOG2(D), .SCORE_BITS(S)) u_select (
        .clk(clk), .rst(rst), .in_valid(su_valid), .in_first(su_first), .in_slot(su_slot),
        .in_score(su_score), .best_slot(resp_slot), .best_score(best_score));

    // ------------------------------------------------------------------ gamma unit
    dysta_gamma_unit #(
        .SCORE_BITS(S), .GAMMA_BITS(G), .TIME_BITS(T), .VARIANT_BITS(V), .LAYER_BITS(LB),
        .GAMMA_MEAN(GAMMA_MEAN), .MUL_AW(GU_AW), .MUL_BW(GU_BW)
    ) u_gamma (
        .clk(clk), .rst(rst), .start(acc_l), .nz_in(cmd_a), .now_in(cmd_c[T-1:0]),
        .rd_v(rd_v), .rd_k(rd_k), .rd_gamma(rd_gamma), .rd_sum(rd_sum),
        .rd_deadline(rd_deadline), .rd_last(rd_last), .rd_score(rd_score),
        .ms_ra(ms_ra), .lay_ra(lay_ra), .rk_ra(rk_ra),
        .mant_rd(mant_rd), .shift_rd(shift_rd), .layers_rd(layers_rd), .recipk_rd(recipk_rd),
        .mul_a(gu_mul_a), .mul_b(gu_mul_b), .mul_p(gu_p),
        .busy(gu_busy), .read_last(gu_read_last), .done(gu_done), .fin(gu_fin),
        .wd_v(gw_v), .wd_k(gw_k), .wd_gamma(gw_gamma), .wd_sum(gw_sum),
        .wd_deadline(gw_dl), .wd_last(gw_last), .wd_score(gw_score));
endmodule
`default_nettype wire
