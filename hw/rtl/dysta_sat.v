// dysta_sat: unsigned saturation, out = min(in, 2^OUT_W - 1) (the contract's sat_W).
// Narrower inputs are zero-extended.
`default_nettype none
module dysta_sat #(
    parameter integer IN_W  = 8,
    parameter integer OUT_W = 8
) (
    input  wire [IN_W-1:0]  in,
    output wire [OUT_W-1:0] out
);
    generate
        if (IN_W > OUT_W) begin : g_sat
            assign out = (|in[IN_W-1:OUT_W]) ? {OUT_W{1'b1}} : in[OUT_W-1:0];
        end else if (IN_W == OUT_W) begin : g_same
            assign out = in;
        end else begin : g_zext
            assign out = {{(OUT_W-IN_W){1'b0}}, in};
        end
    endgenerate
endmodule
`default_nettype wire
