import Graphics

/// Merges fills and strokes of one paint into fewer, larger paths where that paints the same.
///
/// Cairo's PDF surface spends much of its time per drawing operation (it works out each
/// stroke's exact extents three times, then writes the colour, line style and path), so many
/// small items of one paint (plane outlines, tick marks, the dots under a layer) cost more as
/// separate operations than as one path.
///
/// An item joins an earlier item of the same paint only when everything drawn in between
/// stays clear of it (bounding boxes), so no overlap changes order. Subpaths of one fill
/// must also be clear of each other (with the non-zero rule, overlapping subpaths wound in
/// opposite directions would cut holes), and so must those of a translucent stroke (one
/// stroke paints an overlap once, two strokes twice). Opaque strokes may overlap: a
/// stroke's subpaths paint their union. Text, images and groups are never moved past;
/// groups are merged inside.
enum PathBatching {
    static func merged(_ items: [SceneItem]) -> [SceneItem] {
        var out: [Entry] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let (paint, path, box, disjoint) = mergeable(item) else {
                if case .group(let inner, let clip, let opacity) = item {
                    out.append(Entry(item: .group(merged(inner), clip: clip, opacity: opacity)))
                } else {
                    out.append(Entry(item: item))
                }
                continue
            }
            var j = out.count - 1
            var joined = false
            while j >= 0, j >= out.count - lookback {
                if out[j].paint == paint {
                    if out[j].boxes.count < maxSubpathBoxes, !disjoint || !out[j].boxes.contains(where: { $0.overlaps(box) }) {
                        out[j].add(path, box: box)
                        joined = true
                    }
                    break
                }
                // Moving past an item is allowed only if the two cannot touch.
                guard let other = out[j].bounds, !other.overlaps(box) else { break }
                j -= 1
            }
            if !joined { out.append(Entry(item: item, paint: paint, path: path, box: box)) }
        }
        return out.map(\.item)
    }

    /// How far back an item looks for one of its paint.
    static let lookback = 32
    /// At most this many items join one path (bounds the pairwise box checks).
    static let maxSubpathBoxes = 256

    enum Paint: Hashable {
        case fill(Color)
        case stroke(StrokeStyle)
    }

    /// An axis-aligned box; `overlaps` is false for boxes that only touch.
    struct Box {
        var minX, minY, maxX, maxY: Double

        func overlaps(_ o: Box) -> Bool { minX < o.maxX && o.minX < maxX && minY < o.maxY && o.minY < maxY }
        func union(_ o: Box) -> Box {
            Box(minX: min(minX, o.minX), minY: min(minY, o.minY), maxX: max(maxX, o.maxX), maxY: max(maxY, o.maxY))
        }
    }

    struct Entry {
        var item: SceneItem
        var paint: Paint?
        var boxes: [Box] = []
        /// Everything the entry may paint; nil: unknown (text, images, groups), never moved past.
        var bounds: Box?

        init(item: SceneItem) { self.item = item }

        init(item: SceneItem, paint: Paint, path: Path, box: Box) {
            self.item = item
            self.paint = paint
            boxes = [box]
            bounds = box
        }

        mutating func add(_ path: Path, box: Box) {
            switch item {
            case .fill(var p, let c):
                p.elements += path.elements
                item = .fill(p, c)
            case .stroke(var p, let s):
                p.elements += path.elements
                item = .stroke(p, s)
            default: return
            }
            boxes.append(box)
            bounds = bounds?.union(box)
        }
    }

    /// The paint, path and painted box of a fill or stroke that may be merged, and whether its
    /// subpaths must stay clear of the others'; nil for everything else.
    static func mergeable(_ item: SceneItem) -> (Paint, Path, Box, Bool)? {
        switch item {
        case .fill(let path, let color):
            guard startsWithMove(path), let box = box(path, margin: 0) else { return nil }
            return (.fill(color), path, box, true)
        case .stroke(let path, let style):
            guard startsWithMove(path), style.width.isFinite, style.width >= 0,
                  let box = box(path, margin: style.width / 2 * reach(path, style)) else { return nil }
            return (.stroke(style), path, box, style.color.alpha < 1)
        default:
            return nil
        }
    }

    /// A path that starts elsewhere would be joined to the end of the path before it.
    static func startsWithMove(_ path: Path) -> Bool {
        if case .move = path.elements.first { return true }
        return false
    }

    /// The box around every point of `path` (a Bézier curve lies within its control points), grown by `margin`.
    static func box(_ path: Path, margin: Double) -> Box? {
        var b = Box(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        func add(_ p: Point) {
            b.minX = min(b.minX, p.x)
            b.maxX = max(b.maxX, p.x)
            b.minY = min(b.minY, p.y)
            b.maxY = max(b.maxY, p.y)
        }
        for element in path.elements {
            switch element {
            case .move(let p), .line(let p): add(p)
            case .curve(let p, let c1, let c2):
                add(p)
                add(c1)
                add(c2)
            case .close: break
            }
        }
        guard b.minX <= b.maxX, b.minY <= b.maxY, [b.minX, b.minY, b.maxX, b.maxY, margin].allSatisfy(\.isFinite) else { return nil }
        return Box(minX: b.minX - margin, minY: b.minY - margin, maxX: b.maxX + margin, maxY: b.maxY + margin)
    }

    /// How far a stroke reaches beyond its path's points, in half line widths: 1 for round and
    /// bevel joins and butt or round caps, √2 for square caps, and for miter joins the longest
    /// miter (1 / sin(half the angle between the segments)), up to Cairo's default limit of 10.
    static func reach(_ path: Path, _ style: StrokeStyle) -> Double {
        var factor = style.cap == .square ? 2.0.squareRoot() : 1
        guard style.join == .miter else { return factor }
        func direction(_ a: Point, _ b: Point) -> (x: Double, y: Double)? {
            let dx = b.x - a.x, dy = b.y - a.y, length = (dx * dx + dy * dy).squareRoot()
            return length > 0 ? (dx / length, dy / length) : nil
        }
        func join(_ u: (x: Double, y: Double)?, _ v: (x: Double, y: Double)?) {
            guard let u, let v else { return }
            let halfAngleSine = ((1 + u.x * v.x + u.y * v.y) / 2).squareRoot()
            factor = max(factor, halfAngleSine > 0.1 ? 1 / halfAngleSine : 10)
        }
        var start: Point?, current: Point?
        var firstOut: (x: Double, y: Double)?, lastIn: (x: Double, y: Double)?
        func segment(_ out: (x: Double, y: Double)?, _ into: (x: Double, y: Double)?) {
            guard let out else { return }
            if firstOut == nil { firstOut = out } else { join(lastIn, out) }
            lastIn = into ?? out
        }
        for element in path.elements {
            switch element {
            case .move(let p):
                start = p
                current = p
                firstOut = nil
                lastIn = nil
            case .line(let p):
                guard let c = current else { return 10 }
                segment(direction(c, p), nil)
                current = p
            case .curve(let p, let c1, let c2):
                guard let c = current else { return 10 }
                segment(direction(c, c1) ?? direction(c, c2) ?? direction(c, p), direction(c2, p) ?? direction(c1, p) ?? direction(c, p))
                current = p
            case .close:
                if let c = current, let s = start {
                    segment(direction(c, s), nil)
                    join(lastIn, firstOut)
                }
                current = start
                firstOut = nil
                lastIn = nil
            }
        }
        return factor
    }
}
