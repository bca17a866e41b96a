// 4-state testbench: replays a Dysta hardware stimulus file (docs/hardware.md, "Stimulus
// file") through dysta_scheduler_top under Icarus Verilog and checks what hw/tb/tb.cpp checks
// (winner, busy cycles, occupancy, every slot's score and gamma, err, resp_valid timing),
// with the two things a 2-state simulator cannot see:
//   - every input that is not meaningful is X: the command operands while cmd_valid is low
//     and the operands a command does not use (a, b of DECIDE; b of LAYER_DONE), dbg_slot
//     outside the debug reads, the monitor's lanes (the monitor is not used: use_monitor 0)
//     and all inputs during reset;
//   - registers start at X, so a missing reset or an X reaching an output shows: after reset,
//     cmd_ready, resp_valid, resp_slot, count and err must never be X (checked every cycle),
//     and every compared value is compared with !== (X never matches).
//   vvp tb.vvp +stim=FILE
// (hw/cosim.sh builds it with the configuration's parameters when COSIM_SIM=icarus.)
// Prints "cosim: <decisions> decisions, <values> values checked, 0 mismatches" and finishes
// with $finish; on the first difference prints "MISMATCH line <n>: <what> ..." and
// $fatal; a malformed file also ends in $fatal (its line is not checked here: hw/cosim.sh
// replays the same files through tb.cpp, which parses them strictly).
`timescale 1ns / 1ps
`default_nettype none
module tb;
    parameter integer DEPTH_LOG2   = 6;
    parameter integer SCORE_BITS   = 32;
    parameter integer SCORE_FRAC   = 8;
    parameter integer GAMMA_BITS   = 32;
    parameter integer GAMMA_FRAC   = 24;
    parameter integer TIME_BITS    = 32;
    parameter integer VARIANT_BITS = 5;
    parameter integer LAYER_BITS   = 6;
    parameter integer GAMMA_MEAN   = 1;
    parameter integer SCORE_PAPER  = 0;
    parameter integer SHARED_UNITS = 0;
    localparam integer D = DEPTH_LOG2;

    reg clk = 1'b0, rst = 1'b1;
    reg cmd_valid = 1'b0;
    reg [2:0] cmd_op;
    reg [31:0] cmd_a;
    reg [39:0] cmd_b, cmd_c;
    reg [D-1:0] dbg_slot;
    reg [63:0] mon_nonzero;
    wire cmd_ready, resp_valid;
    wire [D-1:0] resp_slot;
    wire [D:0] count;
    wire [1:0] err;
    wire [SCORE_BITS-1:0] dbg_score;
    wire [GAMMA_BITS-1:0] dbg_gamma;
    wire [31:0] mon_count;

    dysta_scheduler_top #(
        .DEPTH_LOG2(DEPTH_LOG2), .SCORE_BITS(SCORE_BITS), .SCORE_FRAC(SCORE_FRAC),
        .GAMMA_BITS(GAMMA_BITS), .GAMMA_FRAC(GAMMA_FRAC), .TIME_BITS(TIME_BITS),
        .VARIANT_BITS(VARIANT_BITS), .LAYER_BITS(LAYER_BITS), .GAMMA_MEAN(GAMMA_MEAN),
        .SCORE_PAPER(SCORE_PAPER), .SHARED_UNITS(SHARED_UNITS), .LANES(64)
    ) dut (
        .clk(clk), .rst(rst), .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_op(cmd_op),
        .cmd_a(cmd_a), .cmd_b(cmd_b), .cmd_c(cmd_c), .resp_valid(resp_valid),
        .resp_slot(resp_slot), .count(count), .err(err), .dbg_slot(dbg_slot),
        .dbg_score(dbg_score), .dbg_gamma(dbg_gamma), .mon_out_valid(1'b0),
        .mon_out_nonzero(mon_nonzero), .mon_clear(1'b0), .use_monitor(1'b0),
        .mon_count(mon_count));

    always #5 clk = ~clk;

    integer line_no = 2;
    integer checked = 0, decisions = 0;
    reg checking = 1'b0;

    task fail(input [8*64-1:0] what, input [63:0] expected, input [63:0] got);
        begin
            $display("MISMATCH line %0d: %0s expected %0d got %0d", line_no, what, expected, got);
            $fatal(1);
        end
    endtask

    // after reset no control output may be X, in any cycle
    always @(negedge clk)
        if (checking && (^{cmd_ready, resp_valid, resp_slot, count, err} === 1'bx)) begin
            $display("MISMATCH line %0d: X on a control output: cmd_ready %b resp_valid %b resp_slot %b count %b err %b",
                     line_no, cmd_ready, resp_valid, resp_slot, count, err);
            $fatal(1);
        end

    task idle_inputs;
        begin
            cmd_valid = 1'b0;
            cmd_op = 3'bx;
            cmd_a = 32'bx;
            cmd_b = 40'bx;
            cmd_c = 40'bx;
            dbg_slot = {D{1'bx}};
        end
    endtask

    task tick;
        begin
            @(posedge clk);
            #1;
        end
    endtask

    // one command; returns the busy cycles B (as hw/tb/tb.cpp measures them)
    task command(input [2:0] op, input [31:0] a, input [39:0] b, input [39:0] c,
                 input expect_resp, input [1:0] expect_err, output [63:0] busy);
        begin
            if (cmd_ready !== 1'b1) fail("cmd_ready before the command", 1, cmd_ready);
            if (resp_valid !== 1'b0) fail("resp_valid while idle", 0, resp_valid);
            cmd_valid = 1'b1;
            cmd_op = op;
            cmd_a = a;
            cmd_b = b;
            cmd_c = c;
            tick;
            idle_inputs;
            busy = 1;
            while (cmd_ready !== 1'b1) begin
                if (resp_valid !== 1'b0) fail("resp_valid before the last busy cycle", 0, busy);
                tick;
                busy = busy + 1;
                if (busy > 64 + 8 * (1 << D)) fail("busy cycles (cmd_ready never returned)", 0, busy);
            end
            if (resp_valid !== expect_resp) fail("resp_valid in the last busy cycle", expect_resp, resp_valid);
            if (err !== expect_err) fail("err after the command", expect_err, err);
        end
    endtask

    reg [8*4096-1:0] rest;
    reg [8*16-1:0] kind, letter;
    reg [63:0] f0, f1, f2, f3, n, i, busy, n_before, es, eg;
    reg [8*1024-1:0] stim;
    integer fd, r;

    initial begin
        if (!$value$plusargs("stim=%s", stim)) begin
            $display("usage: vvp tb.vvp +stim=FILE");
            $fatal(2);
        end
        fd = $fopen(stim, "r");
        if (fd == 0) begin
            $display("%0s: cannot read the file", stim);
            $fatal(2);
        end
        r = $fgets(rest, fd);                   // dysta-hw-stimulus 1
        r = $fgets(rest, fd);                   // config ... (checked by hw/cosim.sh)
        idle_inputs;
        mon_nonzero = 64'bx;
        rst = 1'b1;
        repeat (4) tick;
        rst = 1'b0;
        tick;
        checking = 1'b1;
        while (1) begin
            r = $fscanf(fd, "%s", kind);
            if (r != 1) begin
                $display("%0s: missing 'end' line", stim);
                $fatal(2);
            end
            line_no = line_no + 1;
            if (kind == "#") begin
                r = $fgets(rest, fd);
            end else if (kind == "end") begin
                r = $fscanf(fd, "%d", f0);
                if (f0 != decisions) fail("end: decisions in the file", f0, decisions);
                $display("cosim: %0d decisions, %0d values checked, 0 mismatches", decisions, checked);
                $finish;
            end else if (kind == "W") begin
                r = $fscanf(fd, "%d %d %d", f0, f1, f2);
                command(3'd1, f0[31:0], f1[39:0], f2[39:0], 1'b0, 2'd0, busy);
                if (busy != 1) fail("WRITE busy cycles", 1, busy);
            end else if (kind == "E") begin
                r = $fscanf(fd, "%d %d %d", f0, f1, f2);
                command(3'd2, f0[31:0], f1[39:0], f2[39:0], 1'b0, 2'd0, busy);
                if (busy != 1) fail("ENQUEUE busy cycles", 1, busy);
            end else if (kind == "L") begin
                r = $fscanf(fd, "%d %d %d", f0, f1, f2);
                command(3'd3, f0[31:0], 40'bx, f1[39:0], 1'b0, 2'd0, busy);
                checked = checked + 1;
                if (busy != f2) fail("layer-done cycles", f2, busy);
            end else if (kind == "X") begin
                r = $fscanf(fd, "%s", letter);
                n_before = count;
                if (letter == "D") begin
                    r = $fscanf(fd, "%d", f0);
                    command(3'd4, 32'bx, 40'bx, f0[39:0], 1'b0, 2'd1, busy);
                end else if (letter == "E") begin
                    r = $fscanf(fd, "%d %d %d", f0, f1, f2);
                    command(3'd2, f0[31:0], f1[39:0], f2[39:0], 1'b0, 2'd2, busy);
                end else begin
                    r = $fscanf(fd, "%d %d", f0, f1);
                    command(3'd3, f0[31:0], 40'bx, f1[39:0], 1'b0, 2'd3, busy);
                end
                checked = checked + 1;
                if (busy != 1) fail("busy cycles of a refused command", 1, busy);
                if (count !== n_before[D:0]) fail("occupancy after a refused command", n_before, count);
            end else if (kind == "D") begin
                r = $fscanf(fd, "%d %d %d %d", f0, f1, f2, n);
                command(3'd4, 32'bx, 40'bx, f0[39:0], 1'b1, 2'd0, busy);
                checked = checked + 3;
                if (resp_slot !== f1[D-1:0]) fail("chosen slot", f1, resp_slot);
                if (busy != f2) fail("decide cycles", f2, busy);
                if (count !== n[D:0]) fail("occupancy", n, count);
                for (i = 0; i < n; i = i + 1) begin
                    r = $fscanf(fd, "%d %d", es, eg);
                    dbg_slot = i[D-1:0];
                    tick;
                    dbg_slot = {D{1'bx}};
                    if (resp_valid !== 1'b0) fail("resp_valid one cycle after the response", 0, resp_valid);
                    checked = checked + 2;
                    if (dbg_score !== es[SCORE_BITS-1:0]) fail("score of a slot", es, dbg_score);
                    if (dbg_gamma !== eg[GAMMA_BITS-1:0]) fail("gamma of a slot", eg, dbg_gamma);
                end
                decisions = decisions + 1;
            end else begin
                $display("%0s:%0d: unknown record '%0s'", stim, line_no, kind);
                $fatal(2);
            end
        end
    end
endmodule
`default_nettype wire
