// dysta_shr_sat: out = sat_OUT_W(in >> SH) for a constant shift SH (logical, truncating).
`default_nettype none
module dysta_shr_sat #(
    parameter integer IN_W  = 16,
    parameter integer SH    = 0,
    parameter integer OUT_W = 8
) (
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [IN_W-1:0]  in,      // the low SH bits are shifted out
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [OUT_W-1:0] out
);
    generate
        if (SH >= IN_W) begin : g_zero
            assign out = {OUT_W{1'b0}};
        end else begin : g_shift
            dysta_sat #(.IN_W(IN_W - SH), .OUT_W(OUT_W)) u_sat (.in(in[IN_W-1:SH]), .out(out));
        end
    endgenerate
endmodule
`default_nettype wire
