import Foundation

/// Summaries of a folder comparison: Markdown for CI logs, self-contained HTML for people.
///
/// Both list every relative path in sorted order and contain no time stamps,
/// so the same inputs give the same bytes.
public enum ComparisonSummary {
    /// A Markdown table of every file; diff pictures are linked relative to `folder`.
    public static func markdown(_ run: ComparisonRun, relativeTo folder: URL?) -> String {
        var lines = [
            "# Image comparison",
            "",
            "- expected: `\(run.expectedRoot)`",
            "- actual: `\(run.actualRoot)`",
            "- threshold \(run.settings.threshold), max pixels \(run.settings.maxPixels)",
            "- **\(run.passed ? "PASSED" : "FAILED")**: \(run.totals)",
            "",
            "| status | file | size | changed pixels | largest difference | changed area | RMS | pictures |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for file in run.files {
            let numbers = Numbers(file)
            var pictures: [String] = []
            if let diff = file.diffPath { pictures.append("[diff](\(link(diff, from: folder)))") }
            if let side = file.sideBySidePath { pictures.append("[side by side](\(link(side, from: folder)))") }
            let cells = [
                file.status.rawValue, "`\(file.relativePath)`", numbers.size, numbers.changed,
                numbers.largest, numbers.area, numbers.rms, pictures.joined(separator: ", "),
            ]
            lines.append("| " + cells.map(escapeTableCell).joined(separator: " | ") + " |")
        }
        let problems = run.files.filter { $0.problem != nil }
        if !problems.isEmpty {
            lines += ["", "## Unreadable", ""]
            lines += problems.map { "- \($0.problem ?? "")" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One HTML page with every picture embedded as a data URI, so it can be mailed or archived alone.
    ///
    /// Every pair shows its status and numbers; pairs that are not identical
    /// show expected, actual and diff; identical ones show the image once.
    public static func html(_ run: ComparisonRun) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Image comparison: \(escape(run.passed ? "passed" : "failed"))</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .match { color: #1a7f37; } .differ, .missing, .extra, .unreadable { color: #b0006a; font-weight: bold; }
        section { margin: 2em 0; border-top: 1px solid #ccc; padding-top: 1em; }
        figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
        figcaption { font-size: 12px; color: #555; }
        img { max-width: 480px; background:
          repeating-conic-gradient(#ddd 0% 25%, #fff 0% 50%) 50% / 16px 16px; border: 1px solid #999; }
        code { font-size: 13px; }
        </style>
        </head>
        <body>
        <h1>Image comparison: <span class="\(run.passed ? "match" : "differ")">\(run.passed ? "passed" : "failed")</span></h1>
        <p>expected <code>\(escape(run.expectedRoot))</code>, actual <code>\(escape(run.actualRoot))</code>;
        threshold \(run.settings.threshold), max pixels \(run.settings.maxPixels).<br>\(escape(run.totals)).</p>
        <p>In a diff, <b style="color:#f0f">magenta</b> pixels changed beyond the threshold,
        <b style="color:#fa0">orange</b> ones differ within it, and a <b style="color:#06f">blue</b> frame surrounds the changed area;
        everything else is the expected image faded to grey.</p>
        <table>
        <tr><th>status</th><th>file</th><th>size</th><th>changed pixels</th><th>largest difference</th><th>changed area</th><th>RMS</th></tr>

        """
        for (index, file) in run.files.enumerated() {
            let numbers = Numbers(file)
            out += "<tr><td class=\"\(file.status.rawValue)\">\(file.status.rawValue)</td>"
            out += "<td><a href=\"#f\(index)\"><code>\(escape(file.relativePath))</code></a></td>"
            out += "<td>\(escape(numbers.size))</td><td class=\"n\">\(numbers.changed)</td>"
            out += "<td class=\"n\">\(numbers.largest)</td><td>\(escape(numbers.area))</td>"
            out += "<td class=\"n\">\(numbers.rms)</td></tr>\n"
        }
        out += "</table>\n"
        for (index, file) in run.files.enumerated() {
            out += "<section id=\"f\(index)\">\n"
            out += "<h2><span class=\"\(file.status.rawValue)\">\(file.status.rawValue)</span> <code>\(escape(file.relativePath))</code></h2>\n"
            out += "<p>\(escape(detail(file)))</p>\n"
            var figures: [(String, String?)] = []
            switch file.status {
            case .match where file.comparison?.outcome == .identical:
                figures = [("expected = actual", file.expectedPath)]
            case .match, .differ:
                figures = [("expected", file.expectedPath), ("actual", file.actualPath), ("diff", file.diffPath)]
            case .missing:
                figures = [("expected (no actual file)", file.expectedPath)]
            case .extra:
                figures = [("actual (no expected file)", file.actualPath)]
            case .unreadable:
                figures = []
            }
            for (caption, path) in figures {
                guard let path else { continue }
                out += "<figure>\(embeddedImage(path, alt: caption))<figcaption>\(escape(caption))</figcaption></figure>\n"
            }
            out += "</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// The numbers of one pair as table cells; `–` where there is nothing to say.
    struct Numbers {
        var size = "–"
        var changed = "–"
        var largest = "–"
        var area = "–"
        var rms = "–"

        init(_ file: ComparedFile) {
            guard let c = file.comparison else { return }
            size = c.expectedSize == c.actualSize ? "\(c.expectedSize)" : "\(c.expectedSize) vs \(c.actualSize)"
            changed = c.differingPixels == c.changedPixels ? "\(c.changedPixels)" : "\(c.changedPixels) (\(c.differingPixels) differ)"
            largest = "\(c.largestDifference)"
            area = c.changedBox.map { "\($0)" } ?? "–"
            rms = DecimalFormat.fixed(c.rms, digits: 4)
        }
    }

    static func detail(_ file: ComparedFile) -> String {
        switch file.status {
        case .match, .differ: return file.comparison?.summary ?? ""
        case .missing: return "in the expected folder only: \(file.expectedPath ?? "")"
        case .extra: return "in the actual folder only: \(file.actualPath ?? "")"
        case .unreadable: return file.problem ?? ""
        }
    }

    static func embeddedImage(_ path: String, alt: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            return "<em>cannot read \(escape(path))</em>"
        }
        // Enlarge small images by a whole factor, with sharp pixels, so single pixels can be seen;
        // large ones are left to the browser's smooth scaling, which keeps isolated pixels faintly visible.
        var style = ""
        if let width = pngWidth(data), width > 0, width < 160 {
            let factor = min(16, (160 + width - 1) / width)
            style = " style=\"width: \(width * factor)px; image-rendering: pixelated\""
        }
        return "<img alt=\"\(escape(alt))\"\(style) src=\"data:image/png;base64,\(data.base64EncodedString())\">"
    }

    /// The width stored in a PNG's header (bytes 16...19, big-endian), if the data is long enough.
    static func pngWidth(_ data: Data) -> Int? {
        guard data.count >= 24 else { return nil }
        let bytes = [UInt8](data[data.startIndex + 16..<data.startIndex + 20])
        return bytes.reduce(0) { $0 << 8 | Int($1) }
    }

    /// `path` relative to `folder` when it lies below it, else unchanged.
    static func link(_ path: String, from folder: URL?) -> String {
        guard let folder else { return path }
        let prefix = folder.standardizedFileURL.path + "/"
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        let relative = standardized.hasPrefix(prefix) ? String(standardized.dropFirst(prefix.count)) : path
        // Markdown link targets break on spaces and parentheses.
        return relative
            .replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: "(", with: "%28")
            .replacingOccurrences(of: ")", with: "%29")
    }

    static func escapeTableCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
