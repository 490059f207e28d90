import CairoBackend
import Foundation
import GoldenImage

/// What `vanish compare` is asked to do.
public struct CompareRequest: Sendable {
    /// A PNG file or a folder of them.
    public var expectedPath: String
    /// A PNG file, or a folder when `expectedPath` is one.
    public var actualPath: String
    public var threshold: Int
    public var maxPixels: Int
    /// Where diff pictures (and, for folders, summaries) go; none when nil.
    public var outputFolder: String?

    public init(expectedPath: String, actualPath: String, threshold: Int = 0, maxPixels: Int = 0,
                outputFolder: String? = nil) {
        self.expectedPath = expectedPath
        self.actualPath = actualPath
        self.threshold = threshold
        self.maxPixels = maxPixels
        self.outputFolder = outputFolder
    }

    /// The range `--threshold` accepts: a channel difference.
    public static let thresholdRange = 0...255
}

/// The exit status of `vanish compare`, as scripts see it.
public enum CompareStatus: Int32, Sendable {
    /// Every pair matched (identical or within tolerance).
    case match = 0
    /// At least one pair differs, or a file is missing or extra.
    case differ = 1
    /// A usage error or an input that cannot be read.
    case trouble = 2
}

/// The logic of `vanish compare`: reads, compares, writes pictures and says what it found.
public enum CompareImages {
    /// Runs a comparison; `output` gets the human summary, `errors` one line per problem.
    public static func run(
        _ request: CompareRequest, output: (String) -> Void, errors: (String) -> Void
    ) -> CompareStatus {
        guard CompareRequest.thresholdRange.contains(request.threshold) else {
            errors("vanish compare: --threshold must be between 0 and 255, got \(request.threshold)")
            return .trouble
        }
        guard request.maxPixels >= 0 else {
            errors("vanish compare: --max-pixels must be 0 or more, got \(request.maxPixels)")
            return .trouble
        }
        let expectedKind = kind(of: request.expectedPath)
        let actualKind = kind(of: request.actualPath)
        for (path, kind) in [(request.expectedPath, expectedKind), (request.actualPath, actualKind)] where kind == .none {
            errors("\(path): no such file or folder")
            return .trouble
        }
        if expectedKind != actualKind {
            let folder = expectedKind == .folder ? request.expectedPath : request.actualPath
            let file = expectedKind == .folder ? request.actualPath : request.expectedPath
            errors("vanish compare: \(folder) is a folder but \(file) is a file; give two files or two folders")
            return .trouble
        }
        let settings = ComparisonSettings(threshold: request.threshold, maxPixels: request.maxPixels)
        let outputFolder = request.outputFolder.map { URL(fileURLWithPath: $0) }
        if let outputFolder {
            do {
                try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
            } catch {
                errors("\(outputFolder.path): cannot create the output folder")
                return .trouble
            }
        }
        let expected = URL(fileURLWithPath: request.expectedPath)
        let actual = URL(fileURLWithPath: request.actualPath)
        do {
            if expectedKind == .file {
                let file = try ImageFiles.compareFiles(
                    expected: expected, actual: actual, settings: settings, outputFolder: outputFolder)
                output(file.line)
                reportPictures(file, output: output)
                return file.status == .match ? .match : .differ
            }
            let run = try ImageFiles.compareFolders(
                expected: expected, actual: actual, settings: settings, outputFolder: outputFolder)
            for file in run.files where file.status != .match || file.comparison?.outcome != .identical {
                output(file.line)
                reportPictures(file, output: output)
            }
            output(run.totals)
            if !run.summaryPaths.isEmpty { output("summary: " + run.summaryPaths.joined(separator: ", ")) }
            for file in run.files where file.status == .unreadable { errors(file.problem ?? file.relativePath) }
            if run.count(.unreadable) > 0 { return .trouble }
            return run.passed ? .match : .differ
        } catch {
            errors("\(error)")
            return .trouble
        }
    }

    private static func reportPictures(_ file: ComparedFile, output: (String) -> Void) {
        if let diff = file.diffPath { output("  diff: \(diff)") }
        if let side = file.sideBySidePath { output("  expected | actual | diff: \(side)") }
    }

    enum PathKind { case none, file, folder }

    static func kind(of path: String) -> PathKind {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .none }
        return isFolder.boolValue ? .folder : .file
    }
}
