// dysta_mul: full-width unsigned multiplier, two register stages: the operands are registered
// (so no memory read or operand multiplexer shares a clock period with the multiplier), then
// the product. p = a * b as presented two rising edges earlier.
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
    reg [AW-1:0] a_r;
    reg [BW-1:0] b_r;
    always @(posedge clk) begin
        a_r <= a;
        b_r <= b;
        p   <= {{BW{1'b0}}, a_r} * {{AW{1'b0}}, b_r};
    end
endmodule
`default_nettype wire
