import DystaAccelerators
import DystaCore
import DystaSimulation
import DystaTestSupport
import DystaTraces
import Foundation
import Testing

@Suite("Request tables")
struct RequestTableTests {
    @Test func writeThenReadGivesIdenticalRequests() throws {
        let profile = try SangerModel().profile(Fixtures.sangerWorkload())
        let requests = try RequestGenerator(profile: profile).poisson(rate: 30, count: 500, sloMultiplier: 10, seed: 9)
        let url = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let file = url.appendingPathComponent("requests.csv")
        let text = RequestTableFile.csv(requests, variantNames: profile.variants.map(\.name))
        #expect(text.hasPrefix("id,arrival,model,sample,priority,target\n"))
        try Data(text.utf8).write(to: file)
        #expect(try RequestTableFile.read(file, profile: profile) == requests)
    }

    @Test func badRowsAreRejectedWithLineNumbers() throws {
        let profile = try SangerModel().profile(Fixtures.sangerWorkload())
        let url = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let file = url.appendingPathComponent("requests.csv")
        func error(_ body: String) throws -> String {
            try Data(("id,arrival,model,sample,priority,target\n" + body).utf8).write(to: file)
            do {
                _ = try RequestTableFile.read(file, profile: profile)
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(try error("0,0.1,bert,0,1,0.5\n") == "no error")
        #expect(try error("0,0.1,llama,0,1,0.5\n").contains("requests.csv:2: column 'model': unknown model 'llama'"))
        #expect(try error("0,0.1,bert,99,1,0.5\n").contains("column 'sample': sample 99 is out of range"))
        #expect(try error("0,0.1,bert,0,1,0.5\n0,0.2,bert,0,1,0.5\n").contains("requests.csv:3: column 'id': request id 0 appears twice"))
        #expect(try error("0,-1,bert,0,1,0.5\n").contains("arrival -1.0 is negative"))
        #expect(try error("0,0.1,bert,0,1,0\n").contains("target 0.0 must be positive"))
        #expect(try error("").contains("no rows"))
    }
}
