import CairoBackend
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GoldenImage
import GradientData
import Graphics
import Testing
import TestSupport
import VanishCommands

/// What a CI system reads from `vanish compare`: summaries that scale, JUnit, JSON, hash libraries, accepting.
@Suite("vanish compare in CI")
struct CompareCITests {
    /// 1 000 figures (64 x 48) in two folders; figures 100, 300, 500, 700 and 900 changed in one pixel.
    static func thousandFigures() throws -> (root: URL, expected: URL, actual: URL, changed: [String]) {
        let root = try TestPaths.makeTemporaryFolder("vanish-thousand")
        let expected = root.appendingPathComponent("golden")
        let actual = root.appendingPathComponent("figures")
        var changed: [String] = []
        for index in 0..<1000 {
            let folder = "group\(index / 100)"
            for side in [expected, actual] {
                try FileManager.default.createDirectory(at: side.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            var image = TestImages.gradient(width: 64, height: 48, opaque: true)
            image[index % 64, index % 48] = Color(rgb8: UInt8(index % 256), 0, 0)
            let name = "\(folder)/figure-\(index).png"
            let data = try PNGCodec.encode(image)
            try data.write(to: expected.appendingPathComponent(name))
            if index % 200 == 100 {
                image[1, 1] = Color(rgb8: 0, 0, 0)
                try PNGCodec.encode(image).write(to: actual.appendingPathComponent(name))
                changed.append(name)
            } else {
                try data.write(to: actual.appendingPathComponent(name))
            }
        }
        return (root, expected, actual, changed)
    }

    @Test func thousandFiguresGiveASmallSummaryJUnitAndJSON() throws {
        let suite = try Self.thousandFigures()
        let out = suite.root.appendingPathComponent("report")
        let junit = suite.root.appendingPathComponent("report/junit.xml")
        let json = suite.root.appendingPathComponent("results.json")
        let (status, lines, err) = runCompare(CompareRequest(
            expectedPath: suite.expected.path, actualPath: suite.actual.path, outputFolder: out.path,
            junitPath: junit.path, jsonPath: json.path))
        #expect(status == .differ)
        #expect(err.isEmpty)
        #expect(lines.contains("1000 files: 995 match, 5 differ, 0 missing, 0 extra, 0 unreadable"))

        let html = try Data(contentsOf: out.appendingPathComponent("summary.html"))
        #expect(html.count < 1_000_000, "summary.html is \(html.count) bytes")
        let page = String(decoding: html, as: UTF8.self)
        // The five failures are the first five rows.
        let rows = page.components(separatedBy: "<tr").dropFirst(2).prefix(6).map { $0.contains("class=\"differ\"") }
        #expect(Array(rows) == [true, true, true, true, true, false])
        #expect(page.components(separatedBy: "<img ").count - 1 == 10, "side by side and diff of each failure, nothing else")

        // JUnit: one test case per image, five failures.
        let report = try JUnitCounts(contentsOf: junit)
        #expect(report.testcases == 1000)
        #expect(report.failures == 5)
        #expect(report.suiteAttributes["tests"] == "1000")
        #expect(report.suiteAttributes["failures"] == "5")
        #expect(report.failureMessages.allSatisfy { $0.hasPrefix("different: 1 pixel changed") })

        // JSON: every image, failures first, keys in a fixed order.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.count == 1000)
        #expect(Set(images.compactMap { $0["path"] as? String }).count == 1000)
        #expect(images.prefix(5).compactMap { $0["path"] as? String } == suite.changed)
        #expect(images.prefix(5).allSatisfy { $0["status"] as? String == "differ" && $0["changedPixels"] as? Int == 1 })
        let text = try String(contentsOf: json, encoding: .utf8)
        let keys = ["\"path\"", "\"status\"", "\"reason\"", "\"outcome\"", "\"expectedSize\"", "\"changedPixels\"", "\"diff\""]
        let positions = keys.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
    }

    @Test func singleFileModeWritesJUnitAndJSONToo() throws {
        let pair = try FolderPair()
        let junit = pair.root.appendingPathComponent("junit.xml")
        let json = pair.root.appendingPathComponent("result.json")
        let (status, _, _) = runCompare(CompareRequest(
            expectedPath: pair.expected.appendingPathComponent("sub/changed.png").path,
            actualPath: pair.actual.appendingPathComponent("sub/changed.png").path,
            junitPath: junit.path, jsonPath: json.path))
        #expect(status == .differ)
        let counts = try JUnitCounts(contentsOf: junit)
        #expect(counts.testcases == 1 && counts.failures == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect((object["images"] as? [[String: Any]])?.first?["path"] as? String == "changed.png")
        #expect(object["passed"] as? Bool == false)
    }

    // MARK: Hash libraries

    @Test func sha256MatchesTheStandardsVectorsAndSha256sum() throws {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Fed in uneven pieces, the digest is the same.
        var generator = SplitMix(seed: 7)
        let bytes = (0..<10_007).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var pieces = SHA256()
        var start = 0
        for size in [1, 63, 64, 65, 1000, 3] + Array(repeating: 977, count: 10) where start < bytes.count {
            pieces.update(bytes[start..<min(bytes.count, start + size)])
            start += size
        }
        pieces.update(bytes[min(start, bytes.count)...])
        #expect(SHA256.hexString(pieces.finish()) == SHA256.hex(bytes))
        let file = try TestPaths.makeTemporaryFolder().appendingPathComponent("bytes")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(printed.hasPrefix(SHA256.hex(bytes) + " "))
    }

    @Test func aHashCoversSizeAndPixelsNotTheEncoding() throws {
        let image = TestImages.gradient(width: 20, height: 14, opaque: true)
        // Width and height as 4 big-endian bytes each, then RGBA.
        let header: [UInt8] = [0, 0, 0, 20, 0, 0, 0, 14]
        #expect(HashLibrary.hash(of: image) == SHA256.hex(header + image.pixels))
        let stored = try PNGCodec.decode(StoredPNG.rgb(image))
        #expect(HashLibrary.hash(of: stored) == HashLibrary.hash(of: image))
        // The same pixels 280 x 1 are another image.
        let reshaped = RasterImage(width: 280, height: 1, pixels: image.pixels)
        #expect(HashLibrary.hash(of: reshaped) != HashLibrary.hash(of: image))
    }

    @Test func reencodedPNGMatchesAndOneChangedPixelFails() throws {
        let pair = try FolderPair()
        let library = pair.root.appendingPathComponent("hashes.json")
        let generated = runCompare(CompareRequest(
            expectedPath: nil, actualPath: pair.expected.path, generateHashLibraryPath: library.path))
        #expect(generated.0 == .match)
        #expect(generated.1 == ["3 hashes of \(pair.expected.path) written to \(library.path)"])
        let text = try String(contentsOf: library, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"gone.png\": \""))

        // Re-encode every expected image without compression (zlib level 0, stored blocks) and as grey where it can.
        let figures = pair.root.appendingPathComponent("figures")
        try FileManager.default.createDirectory(at: figures.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["gone.png", "same.png", "sub/changed.png"] {
            let image = try PNGCodec.decode(contentsOf: pair.expected.appendingPathComponent(name))
            let data = StoredPNG.rgb(image)
            #expect(data != (try Data(contentsOf: pair.expected.appendingPathComponent(name))))
            try data.write(to: figures.appendingPathComponent(name))
        }
        let matched = runCompare(CompareRequest(expectedPath: nil, actualPath: figures.path, hashLibraryPath: library.path))
        #expect(matched.0 == .match)
        #expect(matched.1 == ["3 files: 3 match, 0 differ, 0 missing, 0 extra, 0 unreadable"])

        // One pixel, one level: the hash differs.
        var image = try PNGCodec.decode(contentsOf: figures.appendingPathComponent("same.png"))
        image.pixels[0] = image.pixels[0] == 255 ? 254 : image.pixels[0] + 1
        try PNGCodec.encode(image).write(to: figures.appendingPathComponent("same.png"))
        let failed = runCompare(CompareRequest(expectedPath: nil, actualPath: figures.path, hashLibraryPath: library.path))
        #expect(failed.0 == .differ)
        #expect(failed.1.first?.hasPrefix("differ  same.png: hash differs: library ") == true)

        // Grey storage of grey pixels hashes like RGB.
        let grey = RasterImage(width: 3, height: 2, pixels: [10, 10, 10, 255, 200, 200, 200, 255, 0, 0, 0, 255,
                                                             255, 255, 255, 255, 7, 7, 7, 255, 99, 99, 99, 255])
        #expect(HashLibrary.hash(of: try PNGCodec.decode(StoredPNG.grey(grey))) == HashLibrary.hash(of: grey))
    }

    @Test func hybridModeDrawsDiffsForHashesThatDiffer() throws {
        let pair = try FolderPair()
        let library = pair.root.appendingPathComponent("hashes.json")
        _ = runCompare(CompareRequest(expectedPath: nil, actualPath: pair.expected.path, generateHashLibraryPath: library.path))
        let out = pair.root.appendingPathComponent("report")
        let (status, lines, _) = runCompare(CompareRequest(
            expectedPath: pair.expected.path, actualPath: pair.actual.path, outputFolder: out.path,
            hashLibraryPath: library.path))
        #expect(status == .differ)
        #expect(lines.contains { $0.hasPrefix("differ  sub/changed.png: hash differs: library") && $0.contains("different: 4 pixels changed") })
        #expect(lines.contains("missing  gone.png: in the hash library only"))
        #expect(lines.contains("extra  new.png: not in the hash library"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/changed-diff.png").path))
    }

    @Test func badHashLibrariesAreOneLine() throws {
        let pair = try FolderPair()
        let library = pair.root.appendingPathComponent("hashes.json")
        let cases: [(String, String)] = [
            ("[1, 2]", "a hash library is one JSON object of \"path.png\": \"sha256\""),
            ("{\"a.png\": \"abc\"}", "\"a.png\": not a SHA-256 (64 hex digits)"),
            ("{\"../a.png\": \"\(String(repeating: "0", count: 64))\"}", "\"../a.png\": not a relative path to a .png file (no leading /, no . or .. parts)"),
            ("{", "not valid JSON"),
        ]
        for (text, reason) in cases {
            try Data(text.utf8).write(to: library)
            let (status, out, err) = runCompare(CompareRequest(expectedPath: nil, actualPath: pair.actual.path, hashLibraryPath: library.path))
            #expect(status == .trouble)
            #expect(out.isEmpty)
            #expect(err == ["\(library.path): \(reason)"])
        }
    }

    // MARK: Accepting

    @Test func acceptMakesExpectedEqualActualForAcceptedFilesAndNothingElse() throws {
        let pair = try FolderPair()
        // Something that is not an image, in the expected folder: never touched.
        let notes = pair.expected.appendingPathComponent("notes.txt")
        try Data("keep me".utf8).write(to: notes)
        let sameBefore = try FileManager.default.attributesOfItem(atPath: pair.expected.appendingPathComponent("same.png").path)

        // A dry run says what would change and changes nothing.
        let before = folderSnapshot(pair.expected)
        let dry = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path, accept: true, dryRun: true))
        #expect(dry.0 == .differ)
        #expect(dry.1.contains("would be replaced  sub/changed.png: \(pair.actual.path)/sub/changed.png -> \(pair.expected.path)/sub/changed.png"))
        #expect(dry.1.contains("would be added  new.png: \(pair.actual.path)/new.png -> \(pair.expected.path)/new.png"))
        #expect(folderSnapshot(pair.expected) == before)

        let (status, lines, err) = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path, accept: true, environment: [:]))
        #expect(err.isEmpty)
        #expect(lines.contains("replaced  sub/changed.png: \(pair.actual.path)/sub/changed.png -> \(pair.expected.path)/sub/changed.png"))
        #expect(lines.contains("added  new.png: \(pair.actual.path)/new.png -> \(pair.expected.path)/new.png"))
        #expect(lines.contains("kept  gone.png: in the expected folder only (--prune removes it)"))
        #expect(status == .differ, "gone.png is still only in the expected folder")
        for name in ["sub/changed.png", "new.png"] {
            #expect(try Data(contentsOf: pair.expected.appendingPathComponent(name)) == Data(contentsOf: pair.actual.appendingPathComponent(name)))
        }
        var after = folderSnapshot(pair.expected)
        after["sub/changed.png"] = before["sub/changed.png"]
        after["new.png"] = nil
        #expect(after == before, "nothing else changed")
        let sameAfter = try FileManager.default.attributesOfItem(atPath: pair.expected.appendingPathComponent("same.png").path)
        #expect(sameAfter[.modificationDate] as? Date == sameBefore[.modificationDate] as? Date)

        // --prune removes the golden whose image is gone; then everything matches.
        let pruned = runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path, accept: true, prune: true, environment: [:]))
        #expect(pruned.0 == .match)
        #expect(pruned.1.contains("removed  gone.png: \(pair.expected.path)/gone.png"))
        #expect(!FileManager.default.fileExists(atPath: pair.expected.appendingPathComponent("gone.png").path))
        #expect(try Data(contentsOf: notes) == Data("keep me".utf8))
        #expect(runCompare(CompareRequest(expectedPath: pair.expected.path, actualPath: pair.actual.path)).0 == .match)
    }

    @Test func acceptIsRefusedWhenCIIsSet() throws {
        let pair = try FolderPair()
        let before = folderSnapshot(pair.expected)
        let (status, out, err) = runCompare(CompareRequest(
            expectedPath: pair.expected.path, actualPath: pair.actual.path, accept: true, environment: ["CI": "true"]))
        #expect(status == .trouble)
        #expect(out.isEmpty)
        #expect(err.first?.hasPrefix("vanish compare: --accept is refused when CI is set") == true)
        #expect(folderSnapshot(pair.expected) == before)
    }

    @Test func acceptUpdatesAHashLibrary() throws {
        let pair = try FolderPair()
        let library = pair.root.appendingPathComponent("hashes.json")
        _ = runCompare(CompareRequest(expectedPath: nil, actualPath: pair.expected.path, generateHashLibraryPath: library.path))
        let accepted = runCompare(CompareRequest(
            expectedPath: nil, actualPath: pair.actual.path, hashLibraryPath: library.path, accept: true, prune: true,
            environment: [:]))
        #expect(accepted.0 == .match)
        #expect(accepted.1.contains { $0.hasPrefix("hash removed  gone.png") })
        #expect(runCompare(CompareRequest(expectedPath: nil, actualPath: pair.actual.path, hashLibraryPath: library.path)).0 == .match)
        let regenerated = pair.root.appendingPathComponent("again.json")
        _ = runCompare(CompareRequest(expectedPath: nil, actualPath: pair.actual.path, generateHashLibraryPath: regenerated.path))
        #expect(try Data(contentsOf: library) == Data(contentsOf: regenerated))
    }

    @Test func acceptWorksOnASingleFile() throws {
        let pair = try FolderPair()
        let expected = pair.expected.appendingPathComponent("sub/changed.png")
        let actual = pair.actual.appendingPathComponent("sub/changed.png")
        let (status, lines, _) = runCompare(CompareRequest(
            expectedPath: expected.path, actualPath: actual.path, accept: true, environment: [:]))
        #expect(status == .match)
        #expect(lines.last == "replaced  changed.png: \(actual.path) -> \(expected.path)")
        #expect(try Data(contentsOf: expected) == Data(contentsOf: actual))
    }

    @Test func acceptNeverWritesThroughALinkLeavingTheFolder() throws {
        let pair = try FolderPair()
        let outside = pair.root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: pair.expected.appendingPathComponent("out"), withDestinationURL: outside)
        try FileManager.default.createDirectory(at: pair.actual.appendingPathComponent("out"), withIntermediateDirectories: true)
        try FolderPair.write(TestImages.gradient(), pair.actual, "out/new.png")
        let (_, lines, _) = runCompare(CompareRequest(
            expectedPath: pair.expected.path, actualPath: pair.actual.path, accept: true, environment: [:]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(lines.contains { $0.hasPrefix("not accepted  out/new.png:") })
    }
}

/// Counts of a JUnit XML file, read with a real XML parser.
final class JUnitCounts: NSObject, XMLParserDelegate {
    var testcases = 0
    var failures = 0
    var errors = 0
    var suiteAttributes: [String: String] = [:]
    var failureMessages: [String] = []

    init(contentsOf url: URL) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: url))
        parser.delegate = self
        guard parser.parse() else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(url.path): not well-formed XML"])
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "testcase": testcases += 1
        case "failure":
            failures += 1
            failureMessages.append(attributes["message"] ?? "")
        case "error": errors += 1
        case "testsuite": suiteAttributes = attributes
        default: break
        }
    }
}

/// PNG files written without compression (zlib stored blocks), as another encoder might.
enum StoredPNG {
    /// An RGB PNG of an opaque image.
    static func rgb(_ image: RasterImage) -> Data {
        var raw: [UInt8] = []
        for y in 0..<image.height {
            raw.append(0)
            for x in 0..<image.width {
                let i = (y * image.width + x) * 4
                raw += image.pixels[i..<i + 3]
            }
        }
        return file(width: image.width, height: image.height, colourType: 2, raw: raw)
    }

    /// A grey PNG of an opaque image whose pixels are grey.
    static func grey(_ image: RasterImage) -> Data {
        var raw: [UInt8] = []
        for y in 0..<image.height {
            raw.append(0)
            for x in 0..<image.width { raw.append(image.pixels[(y * image.width + x) * 4]) }
        }
        return file(width: image.width, height: image.height, colourType: 0, raw: raw)
    }

    static func file(width: Int, height: Int, colourType: UInt8, raw: [UInt8]) -> Data {
        var zlib: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let count = min(65_535, raw.count - start)
            let last: UInt8 = start + count == raw.count ? 1 : 0
            zlib += [last, UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8((~count >> 8) & 0xff)]
            zlib += raw[start..<start + count]
            start += count
        } while start < raw.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += bigEndian(b << 16 | a)
        var out: [UInt8] = PNGCodec.signature
        out += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colourType, 0, 0, 0])
        out += chunk("IDAT", zlib)
        out += chunk("IEND", [])
        return Data(out)
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc(typed))
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }
}

/// A small seeded generator for test bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
