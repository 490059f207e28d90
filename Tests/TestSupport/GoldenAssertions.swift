import CairoBackend
import Foundation
import GoldenImage
import Graphics
import Testing

/// Golden-image checks for tests: an image must match `fixtures/golden/NAME.png` pixel for pixel.
///
/// On a mismatch the actual image, the expected one, a diff and a side-by-side
/// picture go to `.build/golden-failures/` and the failure names them. A missing
/// baseline fails. Setting `VANISH_RECORD_GOLDENS=1` writes the baseline instead
/// and still fails the test, so that nothing is accepted without a second, clean
/// run; CI never sets it.
public enum Golden {
    /// The environment variable that turns recording on (value `1`).
    public static let recordVariable = "VANISH_RECORD_GOLDENS"

    /// Where baselines live: `fixtures/golden/`.
    public static var baselineFolder: URL { TestPaths.fixtures.appendingPathComponent("golden") }

    /// Where failing tests leave their pictures: `.build/golden-failures/`.
    public static var failureFolder: URL {
        TestPaths.packageRoot.appendingPathComponent(".build").appendingPathComponent("golden-failures")
    }

    /// True when the environment asks for baselines to be recorded (and this is not CI).
    public static var isRecording: Bool {
        ProcessInfo.processInfo.environment[recordVariable] == "1" && !isCI
    }

    /// True when recording was asked for on a CI machine, where it is refused.
    public static var recordingRefused: Bool {
        ProcessInfo.processInfo.environment[recordVariable] == "1" && isCI
    }

    /// CI services set `CI` (GitHub Actions, GitLab, Travis, CircleCI...).
    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? ""
        return !value.isEmpty && value != "false" && value != "0"
    }

    /// Compares `image` with the baseline `NAME.png` and returns nil when it matches, else why not.
    ///
    /// `name` may contain `/` for a sub-folder of `fixtures/golden/`. Writes the
    /// failure pictures (or, when recording, the baseline) as a side effect.
    public static func check(
        _ image: RasterImage, named name: String, threshold: Int = 0, maxPixels: Int = 0,
        record: Bool = Golden.isRecording, baselineFolder: URL = Golden.baselineFolder,
        failureFolder: URL = Golden.failureFolder
    ) -> String? {
        let baseline = baselineFolder.appendingPathComponent(name + ".png")
        let relative = "fixtures/golden/\(name).png"
        let expected: RasterImage
        do {
            expected = try PNGCodec.decode(contentsOf: baseline)
        } catch let error where error.kind == .missing && record {
            return recordBaseline(image, at: baseline, relative: relative, reason: "no baseline existed")
        } catch let error where error.kind == .missing {
            let saved = saveFailure(name: name, failureFolder: failureFolder, images: [("actual", image)])
            return "golden \(name): no baseline \(relative); run with \(recordVariable)=1 to record it"
                + saved
        } catch {
            if record {
                return recordBaseline(image, at: baseline, relative: relative, reason: "the baseline was unreadable")
            }
            let saved = saveFailure(name: name, failureFolder: failureFolder, images: [("actual", image)])
            return "golden \(name): unreadable baseline: \(error)" + saved
        }
        let comparison = compare(expected: expected, actual: image, threshold: threshold, maxPixels: maxPixels)
        if comparison.passed { return nil }
        if record {
            return recordBaseline(image, at: baseline, relative: relative, reason: comparison.summary)
        }
        let diff = DiffImage.make(expected: expected, actual: image, threshold: threshold)
        let saved = saveFailure(
            name: name, failureFolder: failureFolder,
            images: [
                ("actual", image), ("expected", expected), ("diff", diff),
                ("side-by-side", DiffImage.sideBySide(expected: expected, actual: image, diff: diff)),
            ])
        return "golden \(name) differs from \(relative): \(comparison.summary)" + saved
            + "; if the change is intended, rerun with \(recordVariable)=1 and review the new baseline"
    }

    /// Decodes PNG bytes first, then checks them like `check(_:named:)`.
    public static func check(
        png: Data, named name: String, threshold: Int = 0, maxPixels: Int = 0,
        record: Bool = Golden.isRecording, baselineFolder: URL = Golden.baselineFolder,
        failureFolder: URL = Golden.failureFolder
    ) -> String? {
        let image: RasterImage
        do {
            image = try PNGCodec.decode(png, path: "rendered \(name)")
        } catch {
            return "golden \(name): \(error)"
        }
        return check(
            image, named: name, threshold: threshold, maxPixels: maxPixels, record: record,
            baselineFolder: baselineFolder, failureFolder: failureFolder)
    }

    private static func recordBaseline(_ image: RasterImage, at url: URL, relative: String, reason: String) -> String {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.encode(image).write(to: url, options: .atomic)
        } catch {
            return "golden: cannot record \(relative): \(error)"
        }
        return "golden: recorded \(relative) (\(reason)); review it, then rerun without \(recordVariable)"
    }

    /// Writes `NAME-KIND.png` files and returns a clause naming them (or saying why not).
    private static func saveFailure(name: String, failureFolder: URL, images: [(String, RasterImage)]) -> String {
        var paths: [String] = []
        do {
            for (kind, image) in images {
                let url = failureFolder.appendingPathComponent("\(name)-\(kind).png")
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try PNGCodec.encode(image).write(to: url, options: .atomic)
                paths.append(url.path)
            }
        } catch {
            return "; could not save the failure images: \(error)"
        }
        return "; wrote " + paths.joined(separator: ", ")
    }
}

/// Records a test issue unless `image` matches `fixtures/golden/NAME.png` exactly (threshold 0).
///
/// See `Golden` for where failure pictures go and how to record a baseline.
public func expectMatchesGolden(
    _ image: RasterImage, named name: String, threshold: Int = 0, maxPixels: Int = 0,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    refuseRecordingInCI(sourceLocation)
    if let failure = Golden.check(image, named: name, threshold: threshold, maxPixels: maxPixels) {
        Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation)
    }
}

/// Records a test issue unless the PNG bytes decode to the image in `fixtures/golden/NAME.png`.
public func expectMatchesGolden(
    png: Data, named name: String, threshold: Int = 0, maxPixels: Int = 0,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    refuseRecordingInCI(sourceLocation)
    if let failure = Golden.check(png: png, named: name, threshold: threshold, maxPixels: maxPixels) {
        Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation)
    }
}

/// CI compares and never records: a baseline written there would accept whatever CI drew.
private func refuseRecordingInCI(_ sourceLocation: SourceLocation) {
    if Golden.recordingRefused {
        Issue.record(
            "\(Golden.recordVariable)=1 is ignored on CI (CI is set): baselines are recorded on a developer's machine and reviewed",
            sourceLocation: sourceLocation)
    }
}
