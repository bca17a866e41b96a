// dysta_ram: simple dual-port memory, one write port and one synchronous read port
// (read data registered: rd = mem[ra] one cycle after ra is presented; a read of the address
// written on the same edge returns the old word). Written so that Yosys infers LUTRAM or
// block RAM and the storage grows with 2^AW. No reset and no initial contents.
`default_nettype none
module dysta_ram #(
    parameter integer AW = 6,
    parameter integer DW = 8
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] wa,
    input  wire [DW-1:0] wd,
    input  wire [AW-1:0] ra,
    output reg  [DW-1:0] rd
);
    reg [DW-1:0] mem [0:(1<<AW)-1];
    always @(posedge clk) begin
        if (we) mem[wa] <= wd;
        rd <= mem[ra];
    end
endmodule
`default_nettype wire
