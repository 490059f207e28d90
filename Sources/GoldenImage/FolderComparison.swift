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

    public init(relativePath: String, status: Status, expectedPath: String? = nil, actualPath: String? = nil,
                comparison: ImageComparison? = nil, problem: String? = nil,
                diffPath: String? = nil, sideBySidePath: String? = nil) {
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
    public var line: String {
        switch status {
        case .match, .differ:
            return "\(status.rawValue)  \(relativePath): \(comparison?.summary ?? "")"
        case .missing:
            return "missing  \(relativePath): in the expected folder only"
        case .extra:
            return "extra  \(relativePath): in the actual folder only"
        case .unreadable:
            return "unreadable  \(relativePath): \(problem ?? "")"
        }
    }
}

/// Settings shared by every pair of a comparison.
public struct ComparisonSettings: Hashable, Sendable {
    /// Largest channel difference that still counts as unchanged (0...255).
    public var threshold: Int
    /// How many changed pixels are allowed before a pair differs.
    public var maxPixels: Int

    public init(threshold: Int = 0, maxPixels: Int = 0) {
        self.threshold = threshold
        self.maxPixels = maxPixels
    }
}

/// The result of comparing two files or two folders of PNGs.
public struct ComparisonRun: Hashable, Sendable {
    public var expectedRoot: String
    public var actualRoot: String
    public var settings: ComparisonSettings
    /// Every relative path, sorted.
    public var files: [ComparedFile]
    /// `summary.md` and `summary.html`, when written.
    public var summaryPaths: [String] = []

    public init(expectedRoot: String, actualRoot: String, settings: ComparisonSettings, files: [ComparedFile]) {
        self.expectedRoot = expectedRoot
        self.actualRoot = actualRoot
        self.settings = settings
        self.files = files
    }

    /// How many files have `status`.
    public func count(_ status: ComparedFile.Status) -> Int {
        files.reduce(0) { $0 + ($1.status == status ? 1 : 0) }
    }

    /// True when every pair matched and no file was missing, extra or unreadable.
    public var passed: Bool { files.allSatisfy { $0.status == .match } }

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
        let expectedImage = try PNGCodec.decode(contentsOf: expected)
        let actualImage = try PNGCodec.decode(contentsOf: actual)
        let name = actual.deletingPathExtension().lastPathComponent
        return try comparePair(
            relativePath: actual.lastPathComponent, pictureName: name,
            expected: (expected.path, expectedImage), actual: (actual.path, actualImage),
            settings: settings, outputFolder: outputFolder)
    }

    /// Compares two folders of PNGs (searched recursively), pairing files by relative path.
    ///
    /// Files in only one folder are `missing` or `extra`; a file that cannot be
    /// read makes its pair `unreadable`. Nothing below `outputFolder` is compared,
    /// so the pictures of an earlier run never count as extra files. With
    /// `outputFolder`, every pair that is not identical gets `REL-diff.png` and
    /// `REL-side-by-side.png` (REL = the relative path without `.png`), and the
    /// summaries `summary.md` and `summary.html` are written there.
    public static func compareFolders(
        expected: URL, actual: URL, settings: ComparisonSettings = ComparisonSettings(), outputFolder: URL? = nil
    ) throws -> ComparisonRun {
        let skip = outputFolder.map { $0.standardizedFileURL.path }
        let expectedFiles = try pngFiles(under: expected, skipping: skip)
        let actualFiles = try pngFiles(under: actual, skipping: skip)
        let paths = Set(expectedFiles.keys).union(actualFiles.keys).sorted()
        var files: [ComparedFile] = []
        for path in paths {
            switch (expectedFiles[path], actualFiles[path]) {
            case (let e?, nil):
                files.append(ComparedFile(relativePath: path, status: .missing, expectedPath: e.path))
            case (nil, let a?):
                files.append(ComparedFile(relativePath: path, status: .extra, actualPath: a.path))
            case (let e?, let a?):
                let expectedImage: RasterImage
                let actualImage: RasterImage
                do {
                    expectedImage = try PNGCodec.decode(contentsOf: e)
                    actualImage = try PNGCodec.decode(contentsOf: a)
                } catch {
                    files.append(ComparedFile(
                        relativePath: path, status: .unreadable, expectedPath: e.path, actualPath: a.path,
                        problem: error.description))
                    continue
                }
                let name = String(path.dropLast(4))  // ".png"
                files.append(try comparePair(
                    relativePath: path, pictureName: name, expected: (e.path, expectedImage),
                    actual: (a.path, actualImage), settings: settings, outputFolder: outputFolder))
            case (nil, nil):
                continue
            }
        }
        var run = ComparisonRun(
            expectedRoot: expected.path, actualRoot: actual.path, settings: settings, files: files)
        if let outputFolder {
            try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
            let markdown = outputFolder.appendingPathComponent("summary.md")
            let html = outputFolder.appendingPathComponent("summary.html")
            try write(Data(ComparisonSummary.markdown(run, relativeTo: outputFolder).utf8), to: markdown)
            try write(Data(ComparisonSummary.html(run).utf8), to: html)
            run.summaryPaths = [markdown.relativePath, html.relativePath]
        }
        return run
    }

    /// Every regular `*.png` file below `root` by relative path (`/`-separated), hidden files excluded.
    static func pngFiles(under root: URL, skipping skipped: String?) throws -> [String: URL] {
        let base = root.standardizedFileURL.resolvingSymlinksInPath()
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey]
        guard let enumerator = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        else {
            throw PNGReadError(path: root.path, kind: .missing)
        }
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        let skippedPath = skipped.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
        var found: [String: URL] = [:]
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            if let skippedPath, path == skippedPath || path.hasPrefix(skippedPath + "/") {
                enumerator.skipDescendants()
                continue
            }
            guard url.pathExtension.lowercased() == "png",
                  (try? url.resourceValues(forKeys: Set(keys)).isRegularFile) == true,
                  path.hasPrefix(prefix)
            else { continue }
            found[String(path.dropFirst(prefix.count))] = url
        }
        return found
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
        let diff = DiffImage.make(expected: expected.image, actual: actual.image, threshold: settings.threshold)
        let sideBySide = DiffImage.sideBySide(expected: expected.image, actual: actual.image, diff: diff)
        let diffURL = outputFolder.appendingPathComponent(pictureName + "-diff.png")
        let sideURL = outputFolder.appendingPathComponent(pictureName + "-side-by-side.png")
        try FileManager.default.createDirectory(
            at: diffURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try write(PNGCodec.encode(diff), to: diffURL)
        try write(PNGCodec.encode(sideBySide), to: sideURL)
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
