// dysta_mul: unsigned full-width multiplier with one output register: p = a * b one cycle
// after a and b are presented (AW + BW result bits, never truncated).
`default_nettype none
module dysta_mul #(
    parameter integer AW = 16,
    parameter integer BW = 16
) (
    input  wire                 clk,
    input  wire [AW-1:0]        a,
    input  wire [BW-1:0]        b,
    output reg  [AW+BW-1:0]     p
);
    always @(posedge clk) p <= {{BW{1'b0}}, a} * {{AW{1'b0}}, b};
endmodule
`default_nettype wire
