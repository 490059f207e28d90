import CairoBackend
import Foundation
import Graphics

/// One pair of files compared: by relative path, with what was found.
public struct ComparedFile: Hashable, Sendable {
    /// What happened to one relative path.
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// Identical, or within the stated tolerance.
        case match
        /// Both files read, and they differ beyond the tolerance (or in size).
        case differ
        /// In the expected folder only.
        case missing
        /// In the actual folder only.
        case extra
        /// One of the two files could not be read as a PNG.
        case unreadable
    }

    /// The path below both folders, with `/` separators: `heatmaps/zoo.png`.
    public var relativePath: String
    public var status: Status
    /// The file in the expected folder, when it exists.
    public var expectedPath: String?
    /// The file in the actual folder, when it exists.
    public var actualPath: String?
    /// The numbers, when both files were read.
    public var comparison: ImageComparison?
    /// Why a file could not be read (one line naming it).
    public var problem: String?
    /// The diff picture written for this pair, if any.
    public var diffPath: String?
    /// The expected | actual | diff picture written for this pair, if any.
    public var sideBySidePath: String?
    /// A copy, in the output folder, of the one image a summary can show when there is no diff:
    /// the expected image of a missing file, the actual image of an extra one or of a hash that differs.
    public var picturePath: String?
    /// The SHA-256 of the expected pixels, from the hash library (hash mode only).
    public var expectedHash: String?
    /// The SHA-256 of the actual pixels (hash mode only).
    public var actualHash: String?

    public init(relativePath: String, status: Status, expectedPath: String? = nil, actualPath: String? = nil,
                comparison: ImageComparison? = nil, problem: String? = nil,
                diffPath: String? = nil, sideBySidePath: String? = nil,
                expectedHash: String? = nil, actualHash: String? = nil) {
        self.expectedHash = expectedHash
        self.actualHash = actualHash
        self.relativePath = relativePath
        self.status = status
        self.expectedPath = expectedPath
        self.actualPath = actualPath
        self.comparison = comparison
        self.problem = problem
        self.diffPath = diffPath
        self.sideBySidePath = sideBySidePath
    }

    /// One line for people: `differ  plots/a.png: different: 3 pixels changed ...`.
    public var line: String { "\(status.rawValue)  \(relativePath): \(reason)" }

    /// Why the pair has its status, in one line: `different: 3 pixels changed ...`.
    public var reason: String {
        switch status {
        case .match, .differ:
            var parts: [String] = []
            if let actualHash {
                parts.append(actualHash == expectedHash
                    ? "hash matches the library"
                    : "hash differs: library \(HashLibrary.short(expectedHash)), image \(HashLibrary.short(actualHash))")
            }
            if let comparison { parts.append(comparison.summary) }
            return parts.joined(separator: "; ")
        case .missing:
            return expectedHash != nil ? "in the hash library only" : "in the expected folder only"
        case .extra:
            return expectedHash == nil && actualHash != nil
                ? "not in the hash library" : "in the actual folder only"
        case .unreadable:
            return problem ?? ""
        }
    }

    /// True for everything but a match.
    public var failed: Bool { status != .match }
}


/// Settings shared by every pair of a comparison.
public struct ComparisonSettings: Hashable, Sendable {
    /// Largest channel difference that still counts as unchanged (0...255).
    public var threshold: Int
    /// How many changed pixels are allowed before a pair differs.
    public var maxPixels: Int
    /// Images with more pixels are refused before they are decoded, so a small
    /// file that inflates to gigabytes (a decompression bomb) costs nothing.
    public var maxImagePixels: Int

    /// The default bound on an image: 25 megapixels (5000 x 5000, 100 MB as RGBA),
    /// far above a figure at print resolution (A4 at 300 dpi is 8.7 megapixels).
    public static let defaultMaxImagePixels = 25_000_000

    public init(threshold: Int = 0, maxPixels: Int = 0, maxImagePixels: Int = ComparisonSettings.defaultMaxImagePixels) {
        self.threshold = threshold
        self.maxPixels = maxPixels
        self.maxImagePixels = maxImagePixels
    }
}

/// The result of comparing two files or two folders of PNGs (or a folder with a hash library).
public struct ComparisonRun: Hashable, Sendable {
    /// The expected folder or file; nil when only a hash library was given.
    public var expectedRoot: String?
    public var actualRoot: String
    /// The hash library the actual images were checked against, if any.
    public var hashLibraryPath: String?
    public var settings: ComparisonSettings
    /// Every relative path, sorted.
    public var files: [ComparedFile]
    /// The summaries written (`summary.md`, `summary.html`), if any.
    public var summaryPaths: [String] = []

    public init(expectedRoot: String?, actualRoot: String, hashLibraryPath: String? = nil,
                settings: ComparisonSettings, files: [ComparedFile]) {
        self.expectedRoot = expectedRoot
        self.actualRoot = actualRoot
        self.hashLibraryPath = hashLibraryPath
        self.settings = settings
        self.files = files
    }

    /// How many files have `status`.
    public func count(_ status: ComparedFile.Status) -> Int {
        files.reduce(0) { $0 + ($1.status == status ? 1 : 0) }
    }

    /// True when every pair matched and no file was missing, extra or unreadable.
    public var passed: Bool { files.allSatisfy { $0.status == .match } }

    /// The order failures are listed in: the worst news first, matches last.
    public static let failureOrder: [ComparedFile.Status] = [.differ, .missing, .unreadable, .extra, .match]

    /// The files with failures first (differ, missing, unreadable, extra), then matches; by path within each.
    public var filesFailuresFirst: [ComparedFile] {
        Self.failureOrder.flatMap { status in files.filter { $0.status == status } }
    }

    /// What was compared with what, in one line: `expected tests/golden, actual figures`.
    public var inputs: String {
        var parts: [String] = []
        if let hashLibraryPath { parts.append("hash library \(hashLibraryPath)") }
        if let expectedRoot { parts.append("expected \(expectedRoot)") }
        parts.append("actual \(actualRoot)")
        return parts.joined(separator: ", ")
    }

    /// `5 files: 3 match, 1 differ, 1 missing, 0 extra, 0 unreadable`.
    public var totals: String {
        let parts = ComparedFile.Status.allCases.map { "\(count($0)) \($0.rawValue)" }
        return "\(files.count) \(files.count == 1 ? "file" : "files"): " + parts.joined(separator: ", ")
    }
}

/// Compares PNG files and folders of them, and writes diff pictures.
public enum ImageFiles {
    /// Compares one expected PNG with one actual PNG.
    ///
    /// With `outputFolder`, a pair that is not identical gets `NAME-diff.png`
    /// and `NAME-side-by-side.png` there (NAME from the actual file).
    ///
    /// - Throws: `PNGReadError` when either file cannot be read, naming it;
    ///   errors from writing the pictures.
    public static func compareFiles(
        expected: URL, actual: URL, settings: ComparisonSettings = ComparisonSettings(), outputFolder: URL? = nil
    ) throws -> ComparedFile {
        let expectedImage = try decode(expected.path, settings)
        let actualImage = try decode(actual.path, settings)
        let name = actual.deletingPathExtension().lastPathComponent
        return try comparePair(
            relativePath: actual.lastPathComponent, pictureName: name,
            expected: (expected.path, expectedImage), actual: (actual.path, actualImage),
            settings: settings, outputFolder: outputFolder)
    }

    /// Compares two folders of PNGs (searched by `ImageTree`'s rules), pairing files by relative path.
    ///
    /// Files in only one folder are `missing` or `extra`; a file that cannot be
    /// read, or that `ImageTree` refused, makes its pair `unreadable`. With
    /// `outputFolder` (which must lie outside both folders), every pair that is
    /// not identical gets `REL-diff.png` and `REL-side-by-side.png` (REL = the
    /// relative path without `.png`), and a missing or extra file a copy of its
    /// one image, `REL-expected.png` or `REL-actual.png`.
    public static func compareFolders(
        expected: URL, actual: URL, settings: ComparisonSettings = ComparisonSettings(), outputFolder: URL? = nil
    ) throws -> ComparisonRun {
        try compareFolders(
            expected: ImageTree(root: expected), actual: ImageTree(root: actual),
            settings: settings, outputFolder: outputFolder)
    }

    /// `compareFolders(expected:actual:...)` on folders already searched.
    public static func compareFolders(
        expected: ImageTree, actual: ImageTree, settings: ComparisonSettings = ComparisonSettings(),
        outputFolder: URL? = nil
    ) throws -> ComparisonRun {
        let paths = Set(expected.entries.keys).union(actual.entries.keys).sorted()
        var files: [ComparedFile] = []
        for path in paths {
            let name = String(path.dropLast(4))  // ".png"
            switch (expected.entries[path], actual.entries[path]) {
            case (.refused(let shown, let reason)?, _), (_, .refused(let shown, let reason)?):
                files.append(ComparedFile(
                    relativePath: path, status: .unreadable,
                    expectedPath: expected.entries[path]?.path, actualPath: actual.entries[path]?.path,
                    problem: reason.isEmpty ? shown : reason))
            case (.image(let e)?, nil):
                var file = ComparedFile(relativePath: path, status: .missing, expectedPath: e)
                file.picturePath = try copyPicture(e, as: name + "-expected.png", into: outputFolder)
                files.append(file)
            case (nil, .image(let a)?):
                var file = ComparedFile(relativePath: path, status: .extra, actualPath: a)
                file.picturePath = try copyPicture(a, as: name + "-actual.png", into: outputFolder)
                files.append(file)
            case (.image(let e)?, .image(let a)?):
                let expectedImage: RasterImage
                let actualImage: RasterImage
                do {
                    (expectedImage, actualImage) = try decodePair(e, a, settings)
                } catch {
                    files.append(ComparedFile(
                        relativePath: path, status: .unreadable, expectedPath: e, actualPath: a,
                        problem: error.description))
                    continue
                }
                files.append(try comparePair(
                    relativePath: path, pictureName: name, expected: (e, expectedImage),
                    actual: (a, actualImage), settings: settings, outputFolder: outputFolder))
            case (nil, nil):
                continue
            }
        }
        return ComparisonRun(
            expectedRoot: expected.root.path, actualRoot: actual.root.path, settings: settings, files: files)
    }

    /// Checks every actual image's pixel hash against `library`; with `expected` (hybrid mode)
    /// the pairs whose hash differs are also compared with the expected image, for numbers and pictures.
    ///
    /// The library decides: a hash that differs fails even when the expected
    /// image matches; images only in `expected` play no part.
    public static func compareHashes(
        library: HashLibrary, actual: ImageTree, expected: ImageTree? = nil,
        settings: ComparisonSettings = ComparisonSettings(), outputFolder: URL? = nil
    ) throws -> ComparisonRun {
        let paths = Set(library.hashes.keys).union(actual.entries.keys).sorted()
        var files: [ComparedFile] = []
        for path in paths {
            let name = String(path.dropLast(4))  // ".png"
            let known = library.hashes[path]
            let baseline = expected?.entries[path]
            switch actual.entries[path] {
            case nil:
                var file = ComparedFile(
                    relativePath: path, status: .missing, expectedPath: baseline?.path, expectedHash: known)
                if case .image(let e)? = baseline {
                    file.picturePath = try copyPicture(e, as: name + "-expected.png", into: outputFolder)
                }
                files.append(file)
            case .refused(let shown, let reason)?:
                files.append(ComparedFile(
                    relativePath: path, status: .unreadable, actualPath: shown, problem: reason, expectedHash: known))
            case .image(let a)?:
                let actualImage: RasterImage
                do {
                    actualImage = try decode(a, settings)
                } catch {
                    files.append(ComparedFile(
                        relativePath: path, status: .unreadable, actualPath: a, problem: error.description,
                        expectedHash: known))
                    continue
                }
                let hash = HashLibrary.hash(of: actualImage)
                guard let known else {
                    var file = ComparedFile(relativePath: path, status: .extra, actualPath: a, actualHash: hash)
                    file.picturePath = try copyPicture(a, as: name + "-actual.png", into: outputFolder)
                    files.append(file)
                    continue
                }
                if hash == known {
                    files.append(ComparedFile(
                        relativePath: path, status: .match, actualPath: a, expectedHash: known, actualHash: hash))
                    continue
                }
                var file = ComparedFile(
                    relativePath: path, status: .differ, actualPath: a, expectedHash: known, actualHash: hash)
                if case .image(let e)? = baseline, let expectedImage = try? decode(e, settings) {
                    let drawn = try comparePair(
                        relativePath: path, pictureName: name, expected: (e, expectedImage),
                        actual: (a, actualImage), settings: settings, outputFolder: outputFolder)
                    file.expectedPath = e
                    file.comparison = drawn.comparison
                    file.diffPath = drawn.diffPath
                    file.sideBySidePath = drawn.sideBySidePath
                } else {
                    file.picturePath = try copyPicture(a, as: name + "-actual.png", into: outputFolder)
                }
                files.append(file)
            }
        }
        return ComparisonRun(
            expectedRoot: expected?.root.path, actualRoot: actual.root.path, hashLibraryPath: library.path,
            settings: settings, files: files)
    }

    /// Decodes a PNG within the settings' bound on its size.
    static func decode(_ path: String, _ settings: ComparisonSettings) throws(PNGReadError) -> RasterImage {
        try decode(read(path), path: path, settings)
    }

    static func decode(_ data: Data, path: String, _ settings: ComparisonSettings) throws(PNGReadError) -> RasterImage {
        do {
            return try PNGCodec.decode(data, path: path, maxPixels: settings.maxImagePixels)
        } catch {
            guard case .tooLarge(let reason) = error.kind else { throw error }
            throw PNGReadError(path: error.path, kind: .tooLarge(reason + "; --max-image-pixels raises the limit"))
        }
    }

    /// Decodes two PNGs; files with the same bytes are decoded once (most pairs of a passing suite).
    static func decodePair(
        _ expected: String, _ actual: String, _ settings: ComparisonSettings
    ) throws(PNGReadError) -> (RasterImage, RasterImage) {
        let expectedData = try read(expected)
        let actualData = try read(actual)
        let expectedImage = try decode(expectedData, path: expected, settings)
        if expectedData == actualData { return (expectedImage, expectedImage) }
        return (expectedImage, try decode(actualData, path: actual, settings))
    }

    static func read(_ path: String) throws(PNGReadError) -> Data {
        if FileKind.of(path, following: true) == .folder { throw PNGReadError(path: path, kind: .isFolder) }
        guard let data = FileManager.default.contents(atPath: path) else { throw PNGReadError(path: path, kind: .missing) }
        return data
    }

    /// Copies `source` to `outputFolder/name` for the summary; nil without an output folder.
    static func copyPicture(_ source: String, as name: String, into outputFolder: URL?) throws -> String? {
        guard let outputFolder else { return nil }
        let target = outputFolder.appendingPathComponent(name)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: source))
        } catch {
            return nil
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try write(data, to: target)
        return target.relativePath
    }

    static func comparePair(
        relativePath: String, pictureName: String, expected: (path: String, image: RasterImage),
        actual: (path: String, image: RasterImage), settings: ComparisonSettings, outputFolder: URL?
    ) throws -> ComparedFile {
        let comparison = compare(
            expected: expected.image, actual: actual.image,
            threshold: settings.threshold, maxPixels: settings.maxPixels)
        var file = ComparedFile(
            relativePath: relativePath, status: comparison.passed ? .match : .differ,
            expectedPath: expected.path, actualPath: actual.path, comparison: comparison)
        guard let outputFolder, comparison.outcome != .identical else { return file }
        let diffURL = outputFolder.appendingPathComponent(pictureName + "-diff.png")
        let sideURL = outputFolder.appendingPathComponent(pictureName + "-side-by-side.png")
        try FileManager.default.createDirectory(
            at: diffURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        // One picture at a time, each dropped once written, so a large pair costs as little as possible.
        let diff = DiffImage.make(expected: expected.image, actual: actual.image, threshold: settings.threshold)
        try write(PNGCodec.encode(diff), to: diffURL)
        try write(PNGCodec.encode(DiffImage.sideBySide(expected: expected.image, actual: actual.image, diff: diff)), to: sideURL)
        // As the caller named the folder: relative paths stay relative in what is printed.
        file.diffPath = diffURL.relativePath
        file.sideBySidePath = sideURL.relativePath
        return file
    }

    /// Writes all bytes or none: a reader never sees half a file.
    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw OutputWriteError(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// An output file of a comparison that could not be written.
public struct OutputWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}
