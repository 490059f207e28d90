import Foundation
import GradientData
import Testing
import TestSupport

/// Inputs written to break vanish, given to the built binary: no file outside the folder meant
/// for it, no trap, and after any failure the output folder holds exactly what it held before.
@Suite("vanish withstands hostile input (executable)")
struct HostileInputExecutableTests {
    typealias Workspace = BadInputExecutableTests.Workspace

    static let zooSmall = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json")

    /// zoo-small.json with its spec's name replaced by `name` (JSON-escaped here).
    static func history(named name: String) throws -> Data {
        let text = String(decoding: try Data(contentsOf: zooSmall), as: UTF8.self)
        let escaped = String(decoding: try JSONEncoder().encode(name), as: UTF8.self)
        return Data(text.replacingOccurrences(of: "\"name\": \"zoo-small\"", with: "\"name\": \(escaped)").utf8)
    }

    @Test func namesInsideHistoriesNeverLeaveReports() throws {
        let names = ["../../escaped", "..", ".", "", "a/b", "/tmp/escaped", ".hidden", "tab\there", String(repeating: "n", count: 300)]
        var files: [String: Data] = [:]
        for (i, name) in names.enumerated() { files["deep/er/history\(i).json"] = try Self.history(named: name) }
        let workspace = try Workspace(files)
        let cwd = workspace.root.appendingPathComponent("deep/er")
        for i in names.indices {
            let outcome = try VanishExecutable.run(["run", "--from-history", "history\(i).json", "--format", "png"], in: cwd)
            #expect(outcome.status == 2, "\(names[i]): \(outcome.stderr)")
            #expect(outcome.stderr.contains("history\(i).json: name:") && outcome.stderr.contains("give --out"), "\(outcome.stderr)")
            #expect(VanishExecutable.contents(of: workspace.root) == workspace.inputs, "\(names[i]) wrote files")
        }
        // The same history with --out is fine: the name is only data then.
        let outcome = try VanishExecutable.run(["run", "--from-history", "history0.json", "--format", "pdf", "--out", "out", "--quiet"], in: cwd)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(VanishExecutable.contents(of: cwd.appendingPathComponent("out")) == ["history.csv", "history.json", "report.pdf"])
    }
}
