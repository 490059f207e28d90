import CairoBackend
import Foundation
import GoldenImage
import Graphics
import Testing
import TestSupport
import VanishCommands

/// A comparison that can pass on nothing is worse than none: these rules keep `compare` from it.
@Suite("vanish compare: no false pass, no write into the compared folders")
struct CompareSafetyTests {
    @Test func outContainingBothFoldersIsRefusedAndWritesNothing() throws {
        let pair = try FolderPair()
        let before = folderSnapshot(pair.root)
        let (status, out, err) = runCompare(CompareRequest(
            expectedPath: pair.expected.path, actualPath: pair.actual.path, outputFolder: pair.root.path))
        #expect(status == .trouble)
        #expect(out.isEmpty)
        #expect(err == ["vanish compare: --out \(pair.root.path) contains the compared folder \(pair.expected.path); choose a folder outside both compared folders"])
        #expect(folderSnapshot(pair.root) == before)
    }

    @Test func outInsideOrEqualToEitherSideIsRefused() throws {
        let pair = try FolderPair()
        let before = folderSnapshot(pair.root)
        let link = pair.root.appendingPathComponent("link-to-expected")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: pair.expected)
        let cases: [(String, String)] = [
            (pair.expected.appendingPathComponent("diffs").path, "is inside the compared folder"),
            (pair.actual.appendingPathComponent("sub/diffs").path, "is inside the compared folder"),
            (pair.actual.path, "is the compared folder"),
            (pair.expected.path + "/../expected/.", "is the compared folder"),
            (link.appendingPathComponent("diffs").path, "is inside the compared folder"),
        ]
        for (folder, phrase) in cases {
            let (status, out, err) = runCompare(CompareRequest(
                expectedPath: pair.expected.path, actualPath: pair.actual.path, outputFolder: folder))
            #expect(status == .trouble, "\(folder)")
            #expect(out.isEmpty)
            #expect(err.count == 1 && err[0].contains(phrase), "\(err)")
        }
        try FileManager.default.removeItem(at: link)
        #expect(folderSnapshot(pair.root) == before, "nothing was written anywhere")
    }

    @Test func singleFileOutNeverOverwritesAnInput() throws {
        let pair = try FolderPair()
        // expected/x-diff.png would be the diff picture of actual x.png written into expected/.
        let expected = pair.expected.appendingPathComponent("x-diff.png")
        try FileManager.default.copyItem(at: pair.expected.appendingPathComponent("sub/changed.png"), to: expected)
        let actual = pair.actual.appendingPathComponent("x.png")
        try FileManager.default.copyItem(at: pair.actual.appendingPathComponent("sub/changed.png"), to: actual)
        let before = try Data(contentsOf: expected)
        let (status, _, err) = runCompare(CompareRequest(
            expectedPath: expected.path, actualPath: actual.path, outputFolder: pair.expected.path))
        #expect(status == .trouble)
        #expect(err == ["vanish compare: --out \(pair.expected.path) would overwrite the input \(expected.path) with x-diff.png"])
        #expect(try Data(contentsOf: expected) == before)
    }

    @Test func reportsNeverLandInTheComparedFoldersOrOnAnInput() throws {
        let pair = try FolderPair()
        let before = folderSnapshot(pair.root)
        let inside = runCompare(CompareRequest(
            expectedPath: pair.expected.path, actualPath: pair.actual.path,
            junitPath: pair.expected.appendingPathComponent("junit.xml").path))
        #expect(inside.0 == .trouble)
        #expect(inside.2 == ["vanish compare: --junit \(pair.expected.path)/junit.xml is inside the compared folder \(pair.expected.path); write it elsewhere"])
        let json = runCompare(CompareRequest(
            expectedPath: pair.expected.path, actualPath: pair.actual.path,
            jsonPath: pair.actual.appendingPathComponent("sub/results.json").path))
        #expect(json.0 == .trouble)
        // The hash library is an input too.
        let library = pair.root.appendingPathComponent("hashes.json")
        try HashLibrary(hashes: [:], path: library.path).encoded().write(to: library)
        let onLibrary = runCompare(CompareRequest(
            expectedPath: nil, actualPath: pair.actual.path, jsonPath: library.path, hashLibraryPath: library.path))
        #expect(onLibrary.0 == .trouble)
        #expect(onLibrary.2 == ["vanish compare: --json \(library.path) is the input file \(library.path)"])
        // Inside --out, a report may not take the name of a summary or picture compare writes there.
        let out = pair.root.appendingPathComponent("out")
        for name in ["summary.html", "summary.md", "changed-diff.png"] {
            let clash = runCompare(CompareRequest(
                expectedPath: pair.expected.path, actualPath: pair.actual.path, outputFolder: out.path,
                junitPath: out.appendingPathComponent(name).path))
            #expect(clash.0 == .trouble, "\(name)")
            #expect(clash.2 == ["vanish compare: --junit \(out.path)/\(name) would overwrite a file compare writes into --out \(out.path); choose another name"])
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written for a refused report")
        try FileManager.default.removeItem(at: library)
        #expect(folderSnapshot(pair.root) == before)
    }

    @Test func nothingComparedIsAFailureUnlessAllowed() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-empty")
        let e = root.appendingPathComponent("e")
        let a = root.appendingPathComponent("a")
        for folder in [e, a] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        // Files that are not PNGs do not count.
        try Data("notes".utf8).write(to: e.appendingPathComponent("README.txt"))
        let out = root.appendingPathComponent("report")
        let (status, lines, err) = runCompare(CompareRequest(expectedPath: e.path, actualPath: a.path, outputFolder: out.path))
        #expect(status == .trouble)
        #expect(lines.isEmpty)
        #expect(err == ["vanish compare: no PNG image in \(e.path) or \(a.path): nothing was compared (--allow-empty accepts that)"])
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
        let allowed = runCompare(CompareRequest(expectedPath: e.path, actualPath: a.path, allowEmpty: true))
        #expect(allowed.0 == .match)
        #expect(allowed.1 == ["0 files: 0 match, 0 differ, 0 missing, 0 extra, 0 unreadable"])
    }

    @Test func linksInsideTheTreeAreFollowed() throws {
        let pair = try FolderPair()
        let files = FileManager.default
        // expected: alias.png -> same.png and linked/ -> sub/; actual has real copies of both.
        try files.createSymbolicLink(atPath: pair.expected.appendingPathComponent("alias.png").path, withDestinationPath: "same.png")
        try files.createSymbolicLink(atPath: pair.expected.appendingPathComponent("linked").path, withDestinationPath: "sub")
        try files.copyItem(at: pair.actual.appendingPathComponent("same.png"), to: pair.actual.appendingPathComponent("alias.png"))
        try files.copyItem(at: pair.actual.appendingPathComponent("sub"), to: pair.actual.appendingPathComponent("linked"))
        let run = try ImageFiles.compareFolders(expected: pair.expected, actual: pair.actual)
        let byPath = Dictionary(uniqueKeysWithValues: run.files.map { ($0.relativePath, $0.status) })
        #expect(byPath["alias.png"] == .match)
        #expect(byPath["linked/changed.png"] == .differ, "a linked folder is compared like a real one")
    }

    @Test func aGoldenThatIsALinkAndAbsentFromActualIsMissing() throws {
        let pair = try FolderPair()
        try FileManager.default.createSymbolicLink(
            atPath: pair.expected.appendingPathComponent("only-golden.png").path, withDestinationPath: "same.png")
        let (status, out, _) = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path))
        #expect(status == .differ)
        #expect(out.contains("missing  only-golden.png: in the expected folder only"))
    }

    @Test func linksLeavingTheTreeAreRefusedNotSkipped() throws {
        let pair = try FolderPair()
        let outside = pair.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FolderPair.write(TestImages.gradient(), outside, "far.png")
        try FileManager.default.createSymbolicLink(
            at: pair.expected.appendingPathComponent("far.png"), withDestinationURL: outside.appendingPathComponent("far.png"))
        try FileManager.default.createSymbolicLink(
            at: pair.actual.appendingPathComponent("far-folder"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(
            atPath: pair.actual.appendingPathComponent("dangling.png").path, withDestinationPath: "nowhere.png")
        let (status, out, err) = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path))
        #expect(status == .trouble)
        let real = RealPath.of(outside.path)
        #expect(err.contains("\(pair.expected.path)/far.png: symbolic link to \(real)/far.png, outside the compared folder \(pair.expected.path)"))
        #expect(err.contains("\(pair.actual.path)/far-folder: symbolic link to \(real), outside the compared folder \(pair.actual.path)"))
        #expect(err.contains("\(pair.actual.path)/dangling.png: symbolic link to nothing"))
        #expect(out.last == "7 files: 1 match, 1 differ, 1 missing, 1 extra, 3 unreadable")
    }

    @Test func linkLoopsEnd() throws {
        let pair = try FolderPair()
        try FileManager.default.createSymbolicLink(
            atPath: pair.expected.appendingPathComponent("sub/up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(
            atPath: pair.expected.appendingPathComponent("self").path, withDestinationPath: ".")
        let tree = try ImageTree(root: pair.expected)
        #expect(tree.relativePaths == ["gone.png", "same.png", "sub/changed.png"])
    }

    @Test func oversizedImagesAreRefusedBeforeDecoding() throws {
        let pair = try FolderPair()
        let file = pair.expected.appendingPathComponent("same.png").path
        // 20 x 14 = 280 pixels.
        let (status, _, err) = runCompare(CompareRequest(expectedPath: file, actualPath: file, maxImagePixels: 279))
        #expect(status == .trouble)
        #expect(err == ["\(file): PNG too large (20 x 14 pixels is more than the 279 accepted; --max-image-pixels raises the limit)"])
        #expect(runCompare(CompareRequest(expectedPath: file, actualPath: file, maxImagePixels: 280)).0 == .match)
        #expect(ComparisonSettings().maxImagePixels == 25_000_000)
    }

    @Test func aDecompressionBombIsRefusedWithoutMemory() throws {
        // 6000 x 6000 white pixels: a small file that would decode to 144 MB.
        let root = try TestPaths.makeTemporaryFolder("vanish-bomb")
        let bomb = root.appendingPathComponent("bomb.png")
        try PNGCodec.encode(RasterImage(width: 6000, height: 6000, fill: .white)).write(to: bomb)
        let size = try #require(FileManager.default.attributesOfItem(atPath: bomb.path)[.size] as? Int)
        #expect(size < 1_000_000)
        let outcome = try VanishExecutable.run(["compare", bomb.path, bomb.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "\(bomb.path): PNG too large (6000 x 6000 pixels is more than the 25000000 accepted; --max-image-pixels raises the limit)\n")
    }
}
