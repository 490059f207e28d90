import Figures
import Graphics

/// A run of text in one role: paragraphs mix plain, bold and warning spans.
public struct TextSpan: Hashable, Sendable {
    public var text: String
    public var role: TextRole

    public init(_ text: String, _ role: TextRole = .body) {
        self.text = text
        self.role = role
    }
}

/// Greedy line breaking of mixed-style text, measured word by word.
enum InlineLayout {
    /// One line: spans (with their style) and the x offset each starts at.
    struct Piece {
        var text: String
        var role: TextRole
        var x: Double
    }

    struct Line {
        var pieces: [Piece]
        var width: Double
    }

    /// `spans` broken into lines no wider than `width` (a longer single word keeps its own line).
    ///
    /// A `\n` inside a span forces a line break. Consecutive words of one role on a line are
    /// merged into one piece, so the scene holds one text item per style run, not per word.
    static func lines(_ spans: [TextSpan], width: Double, design: ReportDesign, measurer: TextMeasurer) -> [Line] {
        // Words carry their role and whether a space precedes them.
        struct Word { var text: String; var role: TextRole; var spaceBefore: Bool; var breakBefore: Bool }
        var words: [Word] = []
        var pendingSpace = false
        var pendingBreak = false
        for span in spans {
            var chunk = ""
            func flush() {
                if !chunk.isEmpty {
                    words.append(Word(text: chunk, role: span.role, spaceBefore: pendingSpace, breakBefore: pendingBreak))
                    chunk = ""
                    pendingSpace = false
                    pendingBreak = false
                }
            }
            for ch in span.text {
                if ch == " " {
                    flush()
                    pendingSpace = true
                } else if ch == "\n" {
                    flush()
                    pendingBreak = true
                    pendingSpace = false
                } else {
                    chunk.append(ch)
                }
            }
            flush()
        }

        var lines: [Line] = []
        var pieces: [Piece] = []
        var x = 0.0
        func pieceWidth(_ p: Piece) -> Double {
            measurer.measure(p.text, style: design.style(p.role)).width
        }
        func endLine() {
            let w = pieces.last.map { $0.x + pieceWidth($0) } ?? 0
            lines.append(Line(pieces: pieces, width: w))
            pieces = []
            x = 0
        }
        for word in words {
            if word.breakBefore && !pieces.isEmpty { endLine() }
            let style = design.style(word.role)
            let space = pieces.isEmpty || !word.spaceBefore ? "" : " "
            if let last = pieces.last, last.role == word.role {
                // Extend the current piece; measure the whole piece so kerning matches the drawing.
                let candidate = last.text + space + word.text
                let end = last.x + measurer.measure(candidate, style: style).width
                if end <= width {
                    pieces[pieces.count - 1].text = candidate
                    x = end
                    continue
                }
            } else {
                let spaceWidth = space.isEmpty ? 0 : measurer.measure(" ", style: style).width
                let start = x + spaceWidth
                let end = start + measurer.measure(word.text, style: style).width
                if pieces.isEmpty || end <= width {
                    pieces.append(Piece(text: word.text, role: word.role, x: pieces.isEmpty ? 0 : start))
                    x = end
                    continue
                }
            }
            endLine()
            pieces.append(Piece(text: word.text, role: word.role, x: 0))
            x = measurer.measure(word.text, style: style).width
        }
        if !pieces.isEmpty || lines.isEmpty { endLine() }
        return lines
    }
}
