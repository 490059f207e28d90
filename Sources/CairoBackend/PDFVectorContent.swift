import Graphics

/// PDF content streams for runs of fills, strokes and faded groups, written by vanish itself.
///
/// Cairo prints every number of a PDF path with `printf` and works out each stroke's exact
/// outline to bound it; for pages of fading diagrams that is most of a report's time. This
/// writes the same drawing (`PDFVectorBlocks` decides what qualifies) as Form XObjects:
/// numbers to 1/1000 pt, colours to 1/10000, each opacity group a transparency group of its
/// own drawn with that constant alpha, as Cairo writes `push_group` / `paint_with_alpha`.
/// Fills of bands and of equal ellipses become strokes, as `CompactShapes` draws them on
/// Cairo's pages.
struct PDFVectorContent {
    /// One Form XObject: its content, the box it paints in, and what its content names.
    struct Form {
        var content: [UInt8] = []
        var bbox: Rect
        /// Whether it is a transparency group (a faded group) rather than the block's root.
        var isGroup: Bool
        /// The constant alphas its `/aK gs` operators set, K being the index.
        var alphas: [Double] = []
        /// The forms (indices into `forms`) its `/xK Do` operators paint, K being the index.
        var children: [Int] = []
    }

    /// The block's root form first, then every faded group's form.
    private(set) var forms: [Form] = []

    /// The forms that draw `items`, whose painting lies within `bounds`.
    init(_ items: ArraySlice<SceneItem>, bounds: Rect) {
        _ = addForm(items, bounds: bounds, isGroup: false)
    }

    /// Whether `item` can be written here: fills, strokes and unclipped groups of them whose
    /// numbers are all finite and within range, whose paths start with a move and close only
    /// after a segment, and whose strokes Cairo would accept (dashes all positive).
    static func supports(_ item: SceneItem) -> Bool {
        switch item {
        case .fill(let path, let color):
            return supports(path) && supports(color)
        case .stroke(let path, let style):
            return supports(path) && supports(style.color) && style.width.isFinite && abs(style.width) < limit
                && style.dash.allSatisfy { $0.isFinite && $0 > 0 && $0 < limit }
        case .group(let items, let clip, let opacity):
            return clip == nil && !opacity.isNaN && items.allSatisfy(supports)
        case .image, .text:
            return false
        }
    }

    /// Coordinates beyond this (points) stay with Cairo, whose own fixed-point numbers end
    /// at 2²³.
    static let limit = 1e6

    private static func supports(_ color: Color) -> Bool {
        color.red.isFinite && color.green.isFinite && color.blue.isFinite && color.alpha.isFinite
    }

    private static func supports(_ path: Path) -> Bool {
        var afterSegment = false
        for (k, element) in path.elements.enumerated() {
            switch element {
            case .move(let p):
                guard finite(p) else { return false }
                afterSegment = false
            case .line(let p):
                guard k > 0, finite(p) else { return false }
                afterSegment = true
            case .curve(let p, let c1, let c2):
                guard k > 0, finite(p), finite(c1), finite(c2) else { return false }
                afterSegment = true
            case .close:
                // Cairo closes a lone point into a degenerate segment; leave that to it.
                guard afterSegment else { return false }
                afterSegment = false
            }
        }
        return true
    }

    private static func finite(_ p: Point) -> Bool { abs(p.x) < limit && abs(p.y) < limit }

    /// Adds the form drawing `items` (and the forms of their faded groups); returns its index.
    private mutating func addForm(_ items: ArraySlice<SceneItem>, bounds: Rect, isGroup: Bool) -> Int {
        let index = forms.count
        forms.append(Form(bbox: bounds, isGroup: isGroup))
        var stream = Stream()
        write(items, to: &stream, form: index)
        forms[index].content = stream.bytes.array
        forms[index].alphas = stream.alphas
        return index
    }

    private mutating func write(_ items: ArraySlice<SceneItem>, to stream: inout Stream, form: Int) {
        for item in items {
            switch item {
            case .fill(let path, let color):
                stream.fill(path, color)
            case .stroke(let path, let style):
                stream.stroke(path, style)
            case .group(let inner, _, let opacity):
                // As `SceneReplay.drawGroup`: nothing at opacity 0, a layer of its own below 1.
                guard opacity > 0 else { continue }
                guard opacity < 1 else {
                    write(inner[...], to: &stream, form: form)
                    continue
                }
                guard let box = SceneReplay.bounds(of: inner), box.width > 0, box.height > 0 else { continue }
                // A point more all round keeps the edges' antialiasing inside the group's box.
                let grown = Rect(x: box.x - 1, y: box.y - 1, width: box.width + 2, height: box.height + 2)
                let child = addForm(inner[...], bounds: grown, isGroup: true)
                forms[form].children.append(child)
                stream.paintForm(forms[form].children.count - 1, alpha: opacity)
            case .image, .text:
                assertionFailure("PDFVectorContent is given only supported items")
            }
        }
    }

    /// One content stream and the graphics state its operators have set so far (nil: not
    /// known, as at the start, where the state is whatever the page had when it painted us).
    struct Stream {
        let bytes = PDFBytes()
        var alphas: [Double] = []
        private var state = State()

        struct RGB: Equatable { var r, g, b: Double }

        /// What the operators so far have set (`q` / `Q` save and restore it).
        struct State {
            var fillColor: RGB?, strokeColor: RGB?, alpha: Double?
            var width: Double?, cap: StrokeStyle.LineCap?, join: StrokeStyle.LineJoin?, dash: [Double]?
            var miterSet = false
        }


        mutating func fill(_ path: Path, _ color: Color) {
            guard clamped(color.alpha) > 0 else { return }
            if let (width, lines) = CompactShapes.bands(path) {
                stroke(lines: lines, color: color, width: width, cap: .butt, join: .miter)
                return
            }
            if let groups = CompactShapes.ellipses(path, color: color) {
                for group in groups { ellipses(group, color: color) }
                return
            }
            setColor(color, stroke: false)
            if append(path) { op("f\n") }
        }

        mutating func stroke(_ path: Path, _ style: StrokeStyle) {
            // Cairo paints nothing for a line width of 0 (the PDF would draw its thinnest line).
            guard clamped(style.color.alpha) > 0, style.width > 0 else { return }
            setColor(style.color, stroke: true)
            setLine(width: style.width, cap: style.cap, join: style.join, dash: style.dash)
            if append(path) { op("S\n") }
        }

        /// Paints child form `k` with constant alpha `alpha`.
        mutating func paintForm(_ k: Int, alpha a: Double) {
            setAlpha(a)
            op("/x")
            integer(k)
            op(" Do\n")
        }

        private mutating func stroke(lines: [(Point, Point)], color: Color, width w: Double,
                                     cap c: StrokeStyle.LineCap, join j: StrokeStyle.LineJoin) {
            setColor(color, stroke: true)
            setLine(width: w, cap: c, join: j, dash: [])
            for (a, b) in lines {
                point(a)
                op("m ")
                point(b)
                op("l\n")
            }
            op("S\n")
        }

        /// Equal ellipses as the round caps of very short lines (see `CompactShapes`): circles
        /// directly, other ellipses under a horizontal scale of rx / ry, so every printed
        /// number stays in points and keeps its precision.
        private mutating func ellipses(_ group: CompactShapes.Ellipses, color: Color) {
            let sx = group.rx / group.ry
            let circle = abs(sx - 1) <= 1e-9
            // Each line runs 0.002 (printed units) either way of its centre, which stays apart
            // when printed to 0.001.
            let d = 0.002
            var lines: [(Point, Point)] = []
            lines.reserveCapacity(group.centers.count)
            for c in group.centers {
                let x = Self.rounded(circle ? c.x : c.x / sx), y = Self.rounded(c.y)
                lines.append((Point(x - d, y - d), Point(x + d, y + d)))
            }
            if circle {
                stroke(lines: lines, color: color, width: 2 * group.rx, cap: .round, join: .round)
                return
            }
            // The scale is undone by `Q`, which also restores what was set inside.
            let saved = state
            op("q ")
            number(sx, decimals: 6)
            op("0 0 1 0 0 cm\n")
            stroke(lines: lines, color: color, width: 2 * group.ry, cap: .round, join: .round)
            op("Q\n")
            state = saved
        }

        /// Appends `path`'s operators; false if it has no segment (nothing to paint).
        /// A move not followed by a segment is left out, as Cairo leaves it out.
        private mutating func append(_ path: Path) -> Bool {
            var pending: Point?, start = Point(0, 0), any = false
            for element in path.elements {
                switch element {
                case .move(let p):
                    pending = p
                    start = p
                case .line(let p):
                    flush(&pending)
                    point(p)
                    op("l\n")
                    any = true
                case .curve(let p, let c1, let c2):
                    flush(&pending)
                    point(c1)
                    point(c2)
                    point(p)
                    op("c\n")
                    any = true
                case .close:
                    op("h\n")
                    // What follows without a move starts at the closed subpath's start.
                    pending = start
                }
            }
            return any
        }

        private mutating func flush(_ pending: inout Point?) {
            guard let p = pending else { return }
            point(p)
            op("m ")
            pending = nil
        }

        private mutating func setColor(_ color: Color, stroke: Bool) {
            let rgb = RGB(r: clamped(color.red), g: clamped(color.green), b: clamped(color.blue))
            if stroke ? state.strokeColor != rgb : state.fillColor != rgb {
                number(rgb.r, decimals: 4)
                number(rgb.g, decimals: 4)
                number(rgb.b, decimals: 4)
                op(stroke ? "RG\n" : "rg\n")
                if stroke { state.strokeColor = rgb } else { state.fillColor = rgb }
            }
            setAlpha(clamped(color.alpha))
        }

        /// Sets the constant alpha of strokes and fills (ExtGState `/CA` and `/ca`), as Cairo does.
        private mutating func setAlpha(_ a: Double) {
            guard state.alpha != a else { return }
            let k = alphas.firstIndex(of: a) ?? alphas.count
            if k == alphas.count { alphas.append(a) }
            op("/a")
            integer(k)
            op(" gs\n")
            state.alpha = a
        }

        private mutating func setLine(width w: Double, cap c: StrokeStyle.LineCap, join j: StrokeStyle.LineJoin, dash d: [Double]) {
            if state.width != w {
                number(w, decimals: 3)
                op("w\n")
                state.width = w
            }
            if state.cap != c {
                op(c == .butt ? "0 J\n" : c == .round ? "1 J\n" : "2 J\n")
                state.cap = c
            }
            if state.join != j {
                op(j == .miter ? "0 j\n" : j == .round ? "1 j\n" : "2 j\n")
                state.join = j
            }
            if state.dash != d {
                op("[")
                for v in d { number(v, decimals: 3) }
                op("] 0 d\n")
                state.dash = d
            }
            if !state.miterSet {
                // Cairo's default miter limit, which SceneReplay never changes.
                op("10 M\n")
                state.miterSet = true
            }
        }

        private func clamped(_ v: Double) -> Double { min(max(v, 0), 1) }

        private mutating func op(_ text: StaticString) {
            bytes.append(text)
        }

        private mutating func point(_ p: Point) {
            number(p.x, decimals: 3)
            number(p.y, decimals: 3)
        }

        /// `v` rounded to 1/1000, as `number` prints it.
        static func rounded(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

        private mutating func integer(_ n: Int) {
            bytes.append(Double(n), decimals: 0)
        }

        /// `v` to `decimals` places, trailing zeros dropped, and a space.
        mutating func number(_ v: Double, decimals: Int) {
            bytes.append(v, decimals: decimals)
            bytes.append(" ")
        }
    }
}

/// A growing run of bytes written through a pointer.
///
/// A stream holds hundreds of thousands of numbers; written straight into memory they cost
/// a fraction of the instructions that appending them to an Array byte by byte does.
final class PDFBytes {
    private var pointer: UnsafeMutablePointer<UInt8>
    private var capacity = 4096
    private(set) var count = 0

    init() { pointer = .allocate(capacity: capacity) }

    deinit { pointer.deallocate() }

    var array: [UInt8] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Makes room for `n` more bytes.
    private func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        capacity = max(2 * capacity, count + n)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = larger
    }

    func append(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        (pointer + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    /// Appends `v` as `PDFNumbers.write` prints it.
    func append(_ v: Double, decimals: Int) {
        reserve(PDFNumbers.maximumLength)
        count += PDFNumbers.write(v, decimals: decimals, to: pointer + count)
    }
}

/// Numbers as PDF writes them: plain decimals, no exponent, never "-0".
enum PDFNumbers {
    /// The longest number `write` prints: a sign, 19 digits and a point.
    static let maximumLength = 21

    /// Writes `v` rounded to `decimals` (0…10) places, without trailing zeros, at `p`, and
    /// returns its length; `|v| × 10^decimals` must be below 9e18.
    static func write(_ v: Double, decimals: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let rounded = Int64((v * scales[decimals]).rounded())
        // Unsigned: its divisions by 10 are a multiplication and a shift.
        var n = rounded.magnitude
        var places = decimals
        while places > 0, n % 10 == 0 {
            n /= 10
            places -= 1
        }
        // Digits from the right, from the end of the `maximumLength` bytes: the fraction's, the
        // point, the whole part's (at least "0"), the sign; then moved to the front. One pass
        // and one division per digit: this prints every number of a form's content.
        var i = maximumLength
        func digit() {
            let q = n / 10
            i -= 1
            p[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: n &- q &* 10)
            n = q
        }
        for _ in 0..<places { digit() }
        if places > 0 {
            i -= 1
            p[i] = UInt8(ascii: ".")
        }
        repeat { digit() } while n > 0
        if rounded < 0 {
            i -= 1
            p[i] = UInt8(ascii: "-")
        }
        let length = maximumLength - i
        if i > 0 { p.update(from: p + i, count: length) }
        return length
    }

    /// 10^k for k = 0…10, as exact doubles.
    private static let scales: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// Appends `v` as `write` prints it.
    static func append(_ v: Double, decimals: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { buffer in
            let length = write(v, decimals: decimals, to: buffer.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<length]))
        }
    }
}
