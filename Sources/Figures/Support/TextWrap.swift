import Graphics

/// Greedy word wrapping with a text measurer.
public enum TextWrap {
    /// `text` broken at spaces into lines no wider than `width` (a longer single word keeps its own line).
    public static func lines(_ text: String, width: Double, style: TextStyle, measurer: TextMeasurer) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for word in paragraph.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if current.isEmpty || measurer.measure(candidate, style: style).width <= width {
                    current = candidate
                } else {
                    lines.append(current)
                    current = String(word)
                }
            }
            lines.append(current)
        }
        return lines
    }

    /// `text` shortened with a trailing `…` until it fits `width`.
    public static func truncated(_ text: String, width: Double, style: TextStyle, measurer: TextMeasurer) -> String {
        if measurer.measure(text, style: style).width <= width { return text }
        var chars = Array(text)
        while !chars.isEmpty {
            chars.removeLast()
            let candidate = String(chars) + "…"
            if measurer.measure(candidate, style: style).width <= width { return candidate }
        }
        return "…"
    }
}
