import Foundation
import Testing
import TestSupport

/// Runs the built `vanish` binary, as a CI script would, and checks its exit status.
@Suite("vanish compare (executable)")
struct CompareExecutableTests {
    @Test func exitStatusesZeroOneTwo() throws {
        let pair = try FolderPair()
        let same = pair.expected.appendingPathComponent("same.png").path
        let match = try VanishExecutable.run(["compare", same, pair.actual.appendingPathComponent("same.png").path])
        #expect(match.status == 0)
        #expect(match.stdout == "match  same.png: identical (20x14)\n")
        #expect(match.stderr.isEmpty)

        let out = pair.root.appendingPathComponent("report")
        let differ = try VanishExecutable.run(["compare", pair.expected.path, pair.actual.path, "--out", out.path])
        #expect(differ.status == 1)
        #expect(differ.stdout.contains("4 files: 1 match, 1 differ, 1 missing, 1 extra, 0 unreadable\n"))
        #expect(differ.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.html").path))

        let text = pair.root.appendingPathComponent("text.png")
        try Data("plain text".utf8).write(to: text)
        let unreadable = try VanishExecutable.run(["compare", same, text.path])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr == "\(text.path): not a PNG file (bad signature)\n")
        #expect(unreadable.stdout.isEmpty)
    }

    @Test func acceptIsRefusedWhenCIIsSetInTheEnvironment() throws {
        let pair = try FolderPair()
        let before = folderSnapshot(pair.expected)
        let process = Process()
        process.executableURL = try VanishExecutable.url()
        process.arguments = ["compare", pair.expected.path, pair.actual.path, "--accept"]
        process.environment = ProcessInfo.processInfo.environment.merging(["CI": "true"]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.hasPrefix("vanish compare: --accept is refused when CI is set"))
        #expect(message.split(separator: "\n").count == 1)
        #expect(folderSnapshot(pair.expected) == before)
    }

    @Test func usageErrorsExitTwoWithOneLine() throws {
        let missingArgument = try VanishExecutable.run(["compare", "only-one.png"])
        #expect(missingArgument.status == 2)
        #expect(missingArgument.stderr == "Error: Missing expected argument '<actual>' (see 'vanish compare --help' for more information)\n")
        let badNumber = try VanishExecutable.run(["compare", "a.png", "b.png", "--threshold", "many"])
        #expect(badNumber.status == 2)
        #expect(badNumber.stderr.split(separator: "\n").count == 1)
        let help = try VanishExecutable.run(["compare", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("  2  an input cannot be read (missing, not a PNG, truncated), or a usage error"))
    }
}

/// What CI does: render in one process, compare with what another process rendered.
@Suite("vanish render then vanish compare (executable)")
struct RenderThenCompareTests {
    @Test func twoProcessesRenderTheSameBytesAndCompareReportsAMatch() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-render")
        let history = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json").path
        let first = root.appendingPathComponent("first")
        let second = root.appendingPathComponent("second")
        for folder in [first, second] {
            let render = try VanishExecutable.run(["render", history, "--out", folder.path, "--format", "png,svg,pdf", "--dpi", "72"])
            #expect(render.status == 0, "\(render.stderr)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        #expect(names.count >= 30)
        #expect(try FileManager.default.contentsOfDirectory(atPath: second.path).sorted() == names)
        for name in names {
            let a = try Data(contentsOf: first.appendingPathComponent(name))
            let b = try Data(contentsOf: second.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between two processes")
        }
        let compare = try VanishExecutable.run(["compare", first.path, second.path])
        #expect(compare.status == 0)
        #expect(compare.stdout.hasSuffix(" match, 0 differ, 0 missing, 0 extra, 0 unreadable\n"))
    }
}
