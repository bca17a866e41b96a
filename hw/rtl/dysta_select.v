// dysta_select: running minimum over the score stream of one DECIDE. `in_first` restarts
// the search; a later score replaces the best only if strictly smaller, so on equal scores
// the lower slot (streamed first) wins. best_slot holds the winner until the next DECIDE
// (slot 0 after reset).
`default_nettype none
module dysta_select #(
    parameter integer DEPTH_LOG2 = 6,
    parameter integer SCORE_BITS = 32
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  in_valid,
    input  wire                  in_first,
    input  wire [DEPTH_LOG2-1:0] in_slot,
    input  wire [SCORE_BITS-1:0] in_score,
    output reg  [DEPTH_LOG2-1:0] best_slot,
    output reg  [SCORE_BITS-1:0] best_score
);
    always @(posedge clk) begin
        if (rst) begin
            best_slot  <= {DEPTH_LOG2{1'b0}};
            best_score <= {SCORE_BITS{1'b0}};
        end else if (in_valid && (in_first || in_score < best_score)) begin
            best_slot  <= in_slot;
            best_score <= in_score;
        end
    end
endmodule
`default_nettype wire
