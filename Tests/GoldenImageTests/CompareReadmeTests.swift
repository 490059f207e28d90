import CairoBackend
import Foundation
import GoldenImage
import Graphics
import Testing
import TestSupport

/// The CI jobs in README.md ("Golden images in your CI") run as written.
@Suite("README: golden images in your CI")
struct CompareReadmeTests {
    /// The `vanish compare` commands of the README's CI jobs, as argument lists without `vanish`.
    static func jobCommands() throws -> [[String]] {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "### Golden images in your CI"))
        let section = readme[start.upperBound...]
        let end = section.range(of: "In a shell script")?.lowerBound ?? section.endIndex
        var commands: [[String]] = []
        for line in section[..<end].split(separator: "\n") {
            guard let found = line.range(of: "vanish compare ") else { continue }
            let prefix = line[..<found.lowerBound].trimmingCharacters(in: .whitespaces)
            guard prefix == "- run:" || prefix == "-" else { continue }
            commands.append(line[found.lowerBound...].split(separator: " ").dropFirst().map(String.init))
        }
        return commands
    }

    @Test func bothJobsCompareAndReport() throws {
        let commands = try Self.jobCommands()
        #expect(commands.count == 2, "one command per job: \(commands)")
        for command in commands {
            let project = try TestPaths.makeTemporaryFolder("vanish-ci-job")
            let golden = project.appendingPathComponent("tests/golden")
            let figures = project.appendingPathComponent("figures")
            for folder in [golden, figures] {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent("plots"), withIntermediateDirectories: true)
            }
            for (index, name) in ["a.png", "plots/b.png", "plots/c.png"].enumerated() {
                let image = TestImages.gradient(width: 30 + index, height: 20, opaque: true)
                let data = try PNGCodec.encode(image)
                try data.write(to: golden.appendingPathComponent(name))
                try data.write(to: figures.appendingPathComponent(name))
            }
            let library = try VanishExecutable.run(
                ["compare", "--generate-hash-library", "tests/figure-hashes.json", "tests/golden"], in: project)
            #expect(library.status == 0, "\(library.stderr)")

            let unchanged = try VanishExecutable.run(command, in: project)
            #expect(unchanged.status == 0, "\(command): \(unchanged.stderr)")
            let passing = try JUnitCounts(contentsOf: project.appendingPathComponent("compare-report/junit.xml"))
            #expect(passing.testcases == 3 && passing.failures == 0)

            var changed = TestImages.gradient(width: 31, height: 20, opaque: true)
            changed[3, 4] = Color(rgb8: 255, 255, 255)
            try PNGCodec.encode(changed).write(to: figures.appendingPathComponent("plots/b.png"))
            let failing = try VanishExecutable.run(command, in: project)
            #expect(failing.status == 1, "\(command): \(failing.stderr)")
            let report = try JUnitCounts(contentsOf: project.appendingPathComponent("compare-report/junit.xml"))
            #expect(report.testcases == 3 && report.failures == 1)
            #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent("compare-report/summary.html").path))
        }
    }
}
