import CairoBackend
import Foundation
import GoldenImage
import Graphics
import Testing
import TestSupport
import VanishCommands

/// Two folders: `same.png` equal, `sub/changed.png` with a 2x2 block changed,
/// `gone.png` only in expected, `new.png` only in actual.
struct FolderPair {
    let expected: URL
    let actual: URL
    let root: URL

    init() throws {
        root = try TestPaths.makeTemporaryFolder("vanish-compare")
        expected = root.appendingPathComponent("expected")
        actual = root.appendingPathComponent("actual")
        for folder in [expected, actual] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        }
        let base = TestImages.gradient(width: 20, height: 14, opaque: true)
        var changed = base
        for (x, y) in [(10, 5), (11, 5), (10, 6), (11, 6)] { changed[x, y] = Color(rgb8: 0, 0, 0) }
        try Self.write(base, expected, "same.png")
        try Self.write(base, actual, "same.png")
        try Self.write(base, expected, "sub/changed.png")
        try Self.write(changed, actual, "sub/changed.png")
        try Self.write(base, expected, "gone.png")
        try Self.write(base, actual, "new.png")
        // Not PNGs by name: ignored.
        try Data("notes".utf8).write(to: actual.appendingPathComponent("README.txt"))
    }

    static func write(_ image: RasterImage, _ folder: URL, _ name: String) throws {
        try PNGCodec.encode(image).write(to: folder.appendingPathComponent(name))
    }
}

@Suite("Folder comparison and summaries")
struct FolderComparisonTests {
    @Test func pairsByRelativePathInSortedOrder() throws {
        let pair = try FolderPair()
        let run = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual)
        #expect(run.files.map(\.relativePath) == ["gone.png", "new.png", "same.png", "sub/changed.png"])
        #expect(run.files.map(\.status) == [.missing, .extra, .match, .differ])
        #expect(!run.passed)
        #expect(run.totals == "4 files: 1 match, 1 differ, 1 missing, 1 extra, 0 unreadable")
        let changed = try #require(run.files.last?.comparison)
        #expect(changed.changedPixels == 4)
        #expect(changed.changedBox == PixelBox(minX: 10, minY: 5, maxX: 11, maxY: 6))
        #expect(run.files.allSatisfy { $0.diffPath == nil })
    }

    @Test func outputFolderGetsDiffsAndSummaries() throws {
        let pair = try FolderPair()
        let out = pair.root.appendingPathComponent("out")
        let run = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual, outputFolder: out)
        _ = try ComparisonSummary.write(run, to: out)
        let diff = out.appendingPathComponent("sub/changed-diff.png")
        #expect(run.files.last?.diffPath == diff.path)
        let diffImage = try PNGCodec.decode(contentsOf: diff)
        #expect(diffImage.width == 20 && diffImage.height == 14)
        #expect(diffImage[10, 5] == Color(rgb8: 255, 0, 255))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/changed-side-by-side.png").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("same-diff.png").path))
        // The one image of a missing and of an extra file is copied beside the summary.
        #expect(try Data(contentsOf: out.appendingPathComponent("gone-expected.png")) == Data(contentsOf: pair.expected.appendingPathComponent("gone.png")))
        #expect(try Data(contentsOf: out.appendingPathComponent("new-actual.png")) == Data(contentsOf: pair.actual.appendingPathComponent("new.png")))

        let markdown = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains("- **FAILED**: 4 files: 1 match, 1 differ, 1 missing, 1 extra, 0 unreadable"))
        #expect(markdown.contains("| differ | `sub/changed.png` | 20x14 | 4 | 155 | x 10...11, y 5...6 (2x2) |"))
        #expect(markdown.contains("[diff](sub/changed-diff.png)"))
        // Failures first: differ, missing, extra, then the match.
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| status") }
        #expect(rows.map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) } == ["differ", "missing", "extra", "match"])

        let html = try String(contentsOf: out.appendingPathComponent("summary.html"), encoding: .utf8)
        #expect(!html.contains("data:image"), "pictures are files beside the page")
        #expect(!html.contains("file:"))
        #expect(html.contains("src=\"sub/changed-side-by-side.png\""))
        #expect(html.contains("src=\"sub/changed-diff.png\""))
        #expect(html.contains("src=\"gone-expected.png\""))
        #expect(html.contains("src=\"new-actual.png\""))
        // The match is a table row only, hidden by the failures-only filter.
        #expect(html.contains("<tr class=\"ok\"><td class=\"match\">match</td><td><code>same.png</code></td>"))
        #expect(html.contains("id=\"show-failed\" checked"))
        #expect(html.components(separatedBy: "<img ").count - 1 == 4)
        let differ = try #require(html.range(of: "sub/changed.png"))
        let match = try #require(html.range(of: "same.png"))
        #expect(differ.lowerBound < match.lowerBound)
    }

    @Test func embeddedSummaryHoldsEveryPicture() throws {
        let pair = try FolderPair()
        let out = pair.root.appendingPathComponent("out")
        let run = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual, outputFolder: out)
        _ = try ComparisonSummary.write(run, to: out, embed: true)
        let html = try String(contentsOf: out.appendingPathComponent("summary.html"), encoding: .utf8)
        #expect(!html.contains("src=\"/"), "no image is linked by path")
        // sub/changed: expected, actual, diff; same: once; gone: expected; new: actual.
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 6)
        let diffBase64 = try Data(contentsOf: out.appendingPathComponent("sub/changed-diff.png")).base64EncodedString()
        #expect(html.contains(diffBase64))
    }

    @Test func summariesAreTheSameBytesEveryRun() throws {
        let pair = try FolderPair()
        let a = pair.root.appendingPathComponent("a")
        let b = pair.root.appendingPathComponent("b")
        for folder in [a, b] {
            let run = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual, outputFolder: folder)
            _ = try ComparisonSummary.write(run, to: folder)
        }
        let first = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual, outputFolder: a)
        let second = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual, outputFolder: a)
        #expect(ComparisonReports.junit(first) == ComparisonReports.junit(second))
        #expect(ComparisonReports.json(first) == ComparisonReports.json(second))
        for name in ["summary.html", "summary.md", "sub/changed-diff.png", "sub/changed-side-by-side.png"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)))
        }
    }

    @Test func htmlEscapesFileNames() throws {
        let root = try TestPaths.makeTemporaryFolder()
        let e = root.appendingPathComponent("e")
        let a = root.appendingPathComponent("a")
        for f in [e, a] { try FileManager.default.createDirectory(at: f, withIntermediateDirectories: true) }
        try FolderPair.write(TestImages.gradient(), e, "<b>&.png")
        let run = try ImageFiles.compareFolders(expected: e, actual: a)
        let html = ComparisonSummary.html(run, pictures: .linked(folder: root))
        #expect(html.contains("&lt;b&gt;&amp;.png"))
        #expect(!html.contains("<b>&.png"))
    }
}

@Suite("vanish compare (library)")
struct CompareImagesTests {
    @Test func identicalFilesExitZero() throws {
        let pair = try FolderPair()
        let file = pair.expected.appendingPathComponent("same.png").path
        let (status, out, err) = runCompare(CompareRequest(expectedPath: file, actualPath: file))
        #expect(status == .match)
        #expect(out == ["match  same.png: identical (20x14)"])
        #expect(err.isEmpty)
    }

    @Test func changedFileExitsOneAndWritesPictures() throws {
        let pair = try FolderPair()
        let out = pair.root.appendingPathComponent("diffs")
        let (status, lines, err) = runCompare(CompareRequest(
            expectedPath: pair.expected.appendingPathComponent("sub/changed.png").path,
            actualPath: pair.actual.appendingPathComponent("sub/changed.png").path, outputFolder: out.path))
        #expect(status == .differ)
        #expect(err.isEmpty)
        #expect(lines.first?.hasPrefix("differ  changed.png: different: 4 pixels changed") == true)
        #expect(lines.contains("  diff: \(out.appendingPathComponent("changed-diff.png").path)"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("changed-side-by-side.png").path))
        // A tolerance that covers the block passes.
        let tolerant = runCompare(CompareRequest(
            expectedPath: pair.expected.appendingPathComponent("sub/changed.png").path,
            actualPath: pair.actual.appendingPathComponent("sub/changed.png").path, maxPixels: 4))
        #expect(tolerant.0 == .match)
    }

    @Test func foldersWithChangedMissingAndExtraExitOne() throws {
        let pair = try FolderPair()
        let (status, out, err) = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path))
        #expect(status == .differ)
        #expect(err.isEmpty)
        #expect(out.count == 4)
        // Failures first: differ, missing, extra.
        #expect(out[0].hasPrefix("differ  sub/changed.png: different: 4 pixels changed"))
        #expect(out[1] == "missing  gone.png: in the expected folder only")
        #expect(out[2] == "extra  new.png: in the actual folder only")
        #expect(out[3] == "4 files: 1 match, 1 differ, 1 missing, 1 extra, 0 unreadable")
    }

    @Test func unreadableInputsExitTwoWithOneLine() throws {
        let pair = try FolderPair()
        let good = pair.expected.appendingPathComponent("same.png")
        let text = pair.root.appendingPathComponent("text.png")
        try Data("not an image".utf8).write(to: text)
        let cut = pair.root.appendingPathComponent("cut.png")
        try Data(contentsOf: good).prefix(60).write(to: cut)
        let missing = pair.root.appendingPathComponent("missing.png")
        let cases: [(String, String)] = [
            (text.path, "\(text.path): not a PNG file (bad signature)"),
            (cut.path, "\(cut.path): truncated PNG (the file ends before the image does)"),
            (missing.path, "\(missing.path): no such file or folder"),
        ]
        for (path, message) in cases {
            let (status, out, err) = runCompare(CompareRequest(expectedPath: good.path, actualPath: path))
            #expect(status == .trouble, "\(path)")
            #expect(err == [message])
            #expect(out.isEmpty)
        }
    }

    @Test func unreadableFileInAFolderExitsTwo() throws {
        let pair = try FolderPair()
        try Data("oops".utf8).write(to: pair.actual.appendingPathComponent("same.png"))
        let (status, out, err) = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path))
        #expect(status == .trouble)
        #expect(err == ["\(pair.actual.appendingPathComponent("same.png").path): not a PNG file (bad signature)"])
        #expect(out.last == "4 files: 0 match, 1 differ, 1 missing, 1 extra, 1 unreadable")
    }

    @Test func usageErrorsExitTwo() throws {
        let pair = try FolderPair()
        let file = pair.expected.appendingPathComponent("same.png").path
        #expect(runCompare(CompareRequest(expectedPath: file, actualPath: file, threshold: 256)).0 == .trouble)
        #expect(runCompare(CompareRequest(expectedPath: file, actualPath: file, threshold: -1)).0 == .trouble)
        #expect(runCompare(CompareRequest(expectedPath: file, actualPath: file, maxPixels: -1)).0 == .trouble)
        let mixed = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: file))
        #expect(mixed.0 == .trouble)
        #expect(mixed.2 == ["vanish compare: \(pair.expected.path) is a folder but \(file) is a file; give two files or two folders"])
    }
}
