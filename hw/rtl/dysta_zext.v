// dysta_zext: zero-extends (OUT_W >= IN_W) or keeps the low OUT_W bits (OUT_W < IN_W; used
// only where the dropped bits are known to be zero).
`default_nettype none
module dysta_zext #(
    parameter integer IN_W  = 8,
    parameter integer OUT_W = 8
) (
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [IN_W-1:0]  in,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [OUT_W-1:0] out
);
    generate
        if (OUT_W > IN_W) begin : g_ext
            assign out = {{(OUT_W-IN_W){1'b0}}, in};
        end else begin : g_cut
            assign out = in[OUT_W-1:0];
        end
    endgenerate
endmodule
`default_nettype wire
