import Foundation
import Testing
import TestSupport

/// Runs the built `vanish` binary, as a CI script would, and checks its exit status.
@Suite("vanish compare (executable)")
struct CompareExecutableTests {
    /// The `vanish` executable next to the test bundle (both live in .build/<configuration>/).
    static func executable() throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vanish")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue {
                return candidate
            }
            folder.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "no vanish binary near \(CommandLine.arguments[0])"])
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func exitStatusesZeroOneTwo() throws {
        let pair = try FolderPair()
        let same = pair.expected.appendingPathComponent("same.png").path
        let match = try Self.run(["compare", same, pair.actual.appendingPathComponent("same.png").path])
        #expect(match.status == 0)
        #expect(match.stdout == "match  same.png: identical (20x14)\n")
        #expect(match.stderr.isEmpty)

        let out = pair.root.appendingPathComponent("report")
        let differ = try Self.run(["compare", pair.expected.path, pair.actual.path, "--out", out.path])
        #expect(differ.status == 1)
        #expect(differ.stdout.contains("4 files: 1 match, 1 differ, 1 missing, 1 extra, 0 unreadable\n"))
        #expect(differ.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.html").path))

        let text = pair.root.appendingPathComponent("text.png")
        try Data("plain text".utf8).write(to: text)
        let unreadable = try Self.run(["compare", same, text.path])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr == "\(text.path): not a PNG file (bad signature)\n")
        #expect(unreadable.stdout.isEmpty)
    }

    @Test func usageErrorsExitTwoWithOneLine() throws {
        let missingArgument = try Self.run(["compare", "only-one.png"])
        #expect(missingArgument.status == 2)
        #expect(missingArgument.stderr == "Error: Missing expected argument '<actual>' (see 'vanish compare --help' for more information)\n")
        let badNumber = try Self.run(["compare", "a.png", "b.png", "--threshold", "many"])
        #expect(badNumber.status == 2)
        #expect(badNumber.stderr.split(separator: "\n").count == 1)
        let help = try Self.run(["compare", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("  2  an input cannot be read (missing, not a PNG, truncated), or a usage error"))
    }
}
