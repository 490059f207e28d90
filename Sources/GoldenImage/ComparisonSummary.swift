import Foundation

/// Summaries of a comparison: Markdown for CI logs, HTML for people.
///
/// Both list failures first (differ, missing, unreadable, extra), then
/// matches, each group by path, and contain no time stamps, so the same
/// inputs give the same bytes. The HTML page shows pictures only for failures,
/// as files beside it (or, with `embed`, inside it), so a suite of thousands
/// of images stays a page of a few hundred kilobytes.
public enum ComparisonSummary {
    /// How the HTML page shows pictures.
    public enum Pictures: Sendable {
        /// `<img src>` paths relative to the page's folder; only failures are shown.
        case linked(folder: URL)
        /// Every picture inside the page as a data URI, matches included: one file to mail or archive.
        case embedded
    }

    /// Writes `summary.md` and `summary.html` into `folder` and returns their paths (as `folder` was named).
    public static func write(_ run: ComparisonRun, to folder: URL, embed: Bool = false) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let markdownURL = folder.appendingPathComponent("summary.md")
        let htmlURL = folder.appendingPathComponent("summary.html")
        try ImageFiles.write(Data(markdown(run, relativeTo: folder).utf8), to: markdownURL)
        let page = html(run, pictures: embed ? .embedded : .linked(folder: folder))
        try ImageFiles.write(Data(page.utf8), to: htmlURL)
        return [markdownURL.relativePath, htmlURL.relativePath]
    }

    /// A Markdown table of every file, failures first; pictures are linked relative to `folder`.
    public static func markdown(_ run: ComparisonRun, relativeTo folder: URL?) -> String {
        var lines = [
            "# Image comparison",
            "",
            "- \(run.inputs.replacingOccurrences(of: "|", with: "\\|"))",
            "- threshold \(run.settings.threshold), max pixels \(run.settings.maxPixels)",
            "- **\(run.passed ? "PASSED" : "FAILED")**: \(run.totals)",
            "",
            "| status | file | size | changed pixels | largest difference | changed area | RMS | pictures |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for file in run.filesFailuresFirst {
            let numbers = Numbers(file)
            var pictures: [String] = []
            if let diff = file.diffPath { pictures.append("[diff](\(link(diff, from: folder)))") }
            if let side = file.sideBySidePath { pictures.append("[side by side](\(link(side, from: folder)))") }
            if let picture = file.picturePath { pictures.append("[image](\(link(picture, from: folder)))") }
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

    /// One HTML page: totals, a filter (failed / all) that works without a server or script,
    /// one table row per file with failures first, then a section with pictures per failure.
    public static func html(_ run: ComparisonRun, pictures: Pictures = .embedded) -> String {
        let ordered = run.filesFailuresFirst
        let failures = ordered.filter(\.failed).count
        var embedded = false
        if case .embedded = pictures { embedded = true }
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Image comparison: \(run.passed ? "passed" : "failed")</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .match { color: #1a7f37; } .differ, .missing, .extra, .unreadable { color: #b0006a; font-weight: bold; }
        section { margin: 2em 0; border-top: 1px solid #ccc; padding-top: 1em; }
        figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
        figcaption { font-size: 12px; color: #555; }
        img { max-width: 100%; background:
          repeating-conic-gradient(#ddd 0% 25%, #fff 0% 50%) 50% / 16px 16px; border: 1px solid #999; }
        figure.one img { max-width: 480px; }
        code { font-size: 13px; }
        .show { margin: 1em 0; } .show label { margin-right: 1.5em; }
        #show-failed:checked ~ table tr.ok, #show-failed:checked ~ section.ok { display: none; }
        </style>
        </head>
        <body>
        <h1>Image comparison: <span class="\(run.passed ? "match" : "differ")">\(run.passed ? "passed" : "failed")</span></h1>
        <p>\(escape(run.inputs));
        threshold \(run.settings.threshold), max pixels \(run.settings.maxPixels).<br>\(escape(run.totals)).</p>
        <p>In a diff, <b style="color:#f0f">magenta</b> pixels changed beyond the threshold,
        <b style="color:#fa0">orange</b> ones differ within it, and a <b style="color:#06f">blue</b> frame surrounds the changed area;
        everything else is the expected image faded to grey.</p>

        """
        // Radio buttons before the table and sections, so CSS alone hides matches (no script, no server).
        out += "<input type=\"radio\" name=\"show\" id=\"show-failed\"\(failures > 0 ? " checked" : "")>"
        out += "<label for=\"show-failed\">failures only (\(failures))</label>\n"
        out += "<input type=\"radio\" name=\"show\" id=\"show-all\"\(failures > 0 ? "" : " checked")>"
        out += "<label for=\"show-all\">all (\(ordered.count))</label>\n"
        out += "<table>\n<tr><th>status</th><th>file</th><th>size</th><th>changed pixels</th>"
        out += "<th>largest difference</th><th>changed area</th><th>RMS</th></tr>\n"
        for (index, file) in ordered.enumerated() {
            let numbers = Numbers(file)
            let hasSection = file.failed || embedded
            out += "<tr\(file.failed ? "" : " class=\"ok\"")><td class=\"\(file.status.rawValue)\">\(file.status.rawValue)</td>"
            out += hasSection
                ? "<td><a href=\"#f\(index)\"><code>\(escape(file.relativePath))</code></a></td>"
                : "<td><code>\(escape(file.relativePath))</code></td>"
            out += "<td>\(escape(numbers.size))</td><td class=\"n\">\(numbers.changed)</td>"
            out += "<td class=\"n\">\(numbers.largest)</td><td>\(escape(numbers.area))</td>"
            out += "<td class=\"n\">\(numbers.rms)</td></tr>\n"
        }
        out += "</table>\n"
        for (index, file) in ordered.enumerated() where file.failed || embedded {
            out += "<section id=\"f\(index)\"\(file.failed ? "" : " class=\"ok\"")>\n"
            out += "<h2><span class=\"\(file.status.rawValue)\">\(file.status.rawValue)</span> <code>\(escape(file.relativePath))</code></h2>\n"
            out += "<p>\(escape(detail(file)))</p>\n"
            for (caption, path) in figures(file, embedded: embedded) {
                let single = path == file.picturePath || caption == "expected = actual"
                switch pictures {
                case .embedded:
                    out += "<figure\(single ? " class=\"one\"" : "")>\(embeddedImage(path, alt: caption))"
                case .linked(let folder):
                    out += "<figure\(single ? " class=\"one\"" : "")><a href=\"\(href(path, from: folder))\">"
                    out += "<img loading=\"lazy\" alt=\"\(escape(caption))\" src=\"\(href(path, from: folder))\"></a>"
                }
                out += "<figcaption>\(escape(caption))</figcaption></figure>\n"
            }
            out += "</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// The pictures a file's section shows, with captions.
    ///
    /// Linked pages show only pictures in the output folder (diff, side by side, a copied image),
    /// so the folder can be kept as a CI artifact alone; embedded pages show the inputs as well.
    static func figures(_ file: ComparedFile, embedded: Bool) -> [(String, String)] {
        var figures: [(String, String?)]
        if embedded {
            switch file.status {
            case .match where file.comparison?.outcome == .identical || file.comparison == nil:
                figures = [("expected = actual", file.actualPath ?? file.expectedPath)]
            case .match, .differ:
                figures = file.comparison == nil
                    ? [("actual (hash differs)", file.actualPath)]
                    : [("expected", file.expectedPath), ("actual", file.actualPath), ("diff", file.diffPath)]
            case .missing:
                figures = [("expected (no actual file)", file.expectedPath)]
            case .extra:
                figures = [("actual (no expected file)", file.actualPath)]
            case .unreadable:
                figures = []
            }
        } else {
            let caption: String
            switch file.status {
            case .missing: caption = "expected (no actual file)"
            case .extra: caption = "actual (no expected file)"
            default: caption = "actual (no baseline image to draw a diff)"
            }
            figures = [("expected | actual | diff", file.sideBySidePath), ("diff", file.diffPath), (caption, file.picturePath)]
        }
        return figures.compactMap { caption, path in path.map { (caption, $0) } }
    }

    /// `path` as an `href` relative to `folder`, percent-encoded.
    static func href(_ path: String, from folder: URL) -> String {
        let relative = relativePath(path, from: folder)
        var out = ""
        for byte in relative.utf8 {
            let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "~")
            if safe {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return escape(out)
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
        case .match, .differ, .unreadable: return file.reason
        case .missing: return file.reason + (file.expectedPath.map { ": \($0)" } ?? "")
        case .extra: return file.reason + (file.actualPath.map { ": \($0)" } ?? "")
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
        let relative = relativePath(path, from: folder)
        // Markdown link targets break on spaces and parentheses.
        return relative
            .replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: "(", with: "%28")
            .replacingOccurrences(of: ")", with: "%29")
    }

    /// `path` relative to `folder` when it lies below it, else unchanged.
    static func relativePath(_ path: String, from folder: URL) -> String {
        let prefix = folder.standardizedFileURL.path + "/"
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        return standardized.hasPrefix(prefix) ? String(standardized.dropFirst(prefix.count)) : path
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
