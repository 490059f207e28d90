import Foundation

/// Machine-readable results of a comparison: JUnit XML for CI test reports, JSON for scripts.
///
/// Both list files in the summaries' order (failures first), with no time
/// stamps, so the same inputs give the same bytes.
public enum ComparisonReports {
    /// JUnit XML: one test case per image, named by its relative path; a differing, missing or
    /// extra image is a `<failure>`, an unreadable one an `<error>`, each with its one-line reason.
    public static func junit(_ run: ComparisonRun) -> String {
        let failures = run.files.filter { $0.failed && $0.status != .unreadable }.count
        let errors = run.count(.unreadable)
        let counts = "tests=\"\(run.files.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\""
        let suiteName = xml(run.expectedRoot ?? run.hashLibraryPath ?? run.actualRoot)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"vanish compare\" \(counts)>\n"
        out += "  <testsuite name=\"\(suiteName)\" \(counts)>\n"
        out += "    <properties>\n"
        out += "      <property name=\"inputs\" value=\"\(xml(run.inputs))\"/>\n"
        out += "      <property name=\"threshold\" value=\"\(run.settings.threshold)\"/>\n"
        out += "      <property name=\"max-pixels\" value=\"\(run.settings.maxPixels)\"/>\n"
        out += "    </properties>\n"
        for file in run.filesFailuresFirst {
            out += "    <testcase classname=\"vanish.compare\" name=\"\(xml(file.relativePath))\""
            guard file.failed else {
                out += "/>\n"
                continue
            }
            out += ">\n"
            let tag = file.status == .unreadable ? "error" : "failure"
            out += "      <\(tag) type=\"\(file.status.rawValue)\" message=\"\(xml(file.reason))\">"
            out += xml(details(file).joined(separator: "\n"))
            out += "</\(tag)>\n"
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// The lines under a failure: the reason and every file that helps look at it.
    static func details(_ file: ComparedFile) -> [String] {
        var lines = [file.line]
        if let path = file.expectedPath { lines.append("expected: \(path)") }
        if let path = file.actualPath { lines.append("actual: \(path)") }
        if let path = file.diffPath { lines.append("diff: \(path)") }
        if let path = file.sideBySidePath { lines.append("expected | actual | diff: \(path)") }
        if let path = file.picturePath { lines.append("picture: \(path)") }
        return lines
    }

    /// JSON: the settings, the totals and every file with every field of the summary table,
    /// each key always present (null when it does not apply), in a fixed order.
    public static func json(_ run: ComparisonRun) -> String {
        let totals: [(String, JSONText)] = ComparedFile.Status.allCases.map { ($0.rawValue, .int(run.count($0))) }
        let document = JSONText.object([
            ("tool", .string("vanish compare")),
            ("passed", .bool(run.passed)),
            ("expected", .optional(run.expectedRoot)),
            ("actual", .string(run.actualRoot)),
            ("hashLibrary", .optional(run.hashLibraryPath)),
            ("threshold", .int(run.settings.threshold)),
            ("maxPixels", .int(run.settings.maxPixels)),
            ("files", .int(run.files.count)),
            ("totals", .object(totals)),
            ("images", .array(run.filesFailuresFirst.map(json))),
        ])
        return document.text() + "\n"
    }

    static func json(_ file: ComparedFile) -> JSONText {
        let c = file.comparison
        let box: JSONText = c?.changedBox.map { b in
            .object([("minX", .int(b.minX)), ("minY", .int(b.minY)), ("maxX", .int(b.maxX)), ("maxY", .int(b.maxY))])
        } ?? .null
        func size(_ s: PixelSize?) -> JSONText {
            s.map { .object([("width", .int($0.width)), ("height", .int($0.height))]) } ?? .null
        }
        return .object([
            ("path", .string(file.relativePath)),
            ("status", .string(file.status.rawValue)),
            ("reason", .string(file.reason)),
            ("outcome", .optional(c?.outcome.rawValue)),
            ("expectedSize", size(c?.expectedSize)),
            ("actualSize", size(c?.actualSize)),
            ("changedPixels", .optional(c?.changedPixels)),
            ("differingPixels", .optional(c?.differingPixels)),
            ("largestDifference", .optional(c?.largestDifference)),
            ("changedArea", box),
            ("rms", c.map { .number($0.rms) } ?? .null),
            ("expectedHash", .optional(file.expectedHash)),
            ("actualHash", .optional(file.actualHash)),
            ("expectedFile", .optional(file.expectedPath)),
            ("actualFile", .optional(file.actualPath)),
            ("diff", .optional(file.diffPath)),
            ("sideBySide", .optional(file.sideBySidePath)),
            ("picture", .optional(file.picturePath)),
        ])
    }

    /// `text` escaped for XML attributes and text; characters XML 1.0 cannot hold become `?`.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                let v = scalar.value
                let allowed = v >= 0x20 && !(0xD800...0xDFFF).contains(v) && v != 0xFFFE && v != 0xFFFF
                out += allowed ? String(scalar) : "?"
            }
        }
        return out
    }
}
