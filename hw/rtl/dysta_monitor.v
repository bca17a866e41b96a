// dysta_monitor: counts non-zero outputs. On every cycle with out_valid it adds the number
// of set bits of out_nonzero to a COUNT_BITS-bit (default 32) saturating counter.
// clear discards the count accumulated before this cycle: on a clear edge the counter
// becomes popcount(out_nonzero) if out_valid, else 0 (so no output is lost when clear is
// pulsed at a layer boundary). Synchronous reset to 0.
`default_nettype none
module dysta_monitor #(
    parameter integer LANES      = 64,
    parameter integer COUNT_BITS = 32
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  clear,
    input  wire                  out_valid,
    input  wire [LANES-1:0]      out_nonzero,
    output reg  [COUNT_BITS-1:0] count
);
    localparam integer PW = $clog2(LANES + 1);

    localparam [PW-1:0] ONE = 1;
    reg [PW-1:0] pop;
    integer i;
    always @(*) begin
        pop = {PW{1'b0}};
        for (i = 0; i < LANES; i = i + 1)
            pop = pop + ((out_nonzero[i]) ? ONE : {PW{1'b0}});
    end

    wire [PW-1:0]         inc  = out_valid ? pop : {PW{1'b0}};
    wire [COUNT_BITS-1:0] base = clear ? {COUNT_BITS{1'b0}} : count;
    wire [COUNT_BITS:0]   inc_x;
    dysta_zext #(.IN_W(PW), .OUT_W(COUNT_BITS + 1)) u_inc (.in(inc), .out(inc_x));
    wire [COUNT_BITS:0]   sum  = {1'b0, base} + inc_x;
    wire [COUNT_BITS-1:0] next;
    dysta_sat #(.IN_W(COUNT_BITS + 1), .OUT_W(COUNT_BITS)) u_sat (.in(sum), .out(next));

    always @(posedge clk) begin
        if (rst) count <= {COUNT_BITS{1'b0}};
        else     count <= next;
    end
endmodule
`default_nettype wire
