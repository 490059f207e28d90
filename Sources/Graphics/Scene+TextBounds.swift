import Foundation

/// A line of text of a scene and the box its glyphs may cover.
public struct PlacedText: Hashable, Sendable {
    public var string: String
    /// The axis-aligned box, in scene coordinates, of the text's advance × (ascent + descent).
    public var bounds: Rect

    public init(string: String, bounds: Rect) {
        self.string = string
        self.bounds = bounds
    }
}

extension TextStyle {
    /// The box of `text` drawn with this style at `anchor`, unrotated.
    public func box(of text: String, at anchor: Point, measurer: TextMeasurer) -> Rect {
        let e = measurer.measure(text, style: self)
        let x: Double
        switch self.anchor {
        case .start: x = anchor.x
        case .middle: x = anchor.x - e.width / 2
        case .end: x = anchor.x - e.width
        }
        let top: Double
        switch baseline {
        case .alphabetic: top = anchor.y - e.ascent
        case .middle: top = anchor.y - e.height / 2
        case .top: top = anchor.y
        case .bottom: top = anchor.y - e.height
        }
        return Rect(x: x, y: top, width: e.width, height: e.height)
    }
}

extension Rect {
    /// The axis-aligned bounds of this rectangle rotated by `angle` radians (clockwise on screen) about `pivot`.
    public func rotated(by angle: Double, about pivot: Point) -> Rect {
        if angle == 0 { return self }
        let c = cos(angle), s = sin(angle)
        let corners = [Point(minX, minY), Point(maxX, minY), Point(maxX, maxY), Point(minX, maxY)].map { p in
            let dx = p.x - pivot.x, dy = p.y - pivot.y
            return Point(pivot.x + dx * c - dy * s, pivot.y + dx * s + dy * c)
        }
        let xs = corners.map(\.x), ys = corners.map(\.y)
        let x0 = xs.min() ?? minX, y0 = ys.min() ?? minY
        return Rect(x: x0, y: y0, width: (xs.max() ?? maxX) - x0, height: (ys.max() ?? maxY) - y0)
    }

    /// Whether the two rectangles share interior area (touching edges do not count).
    public func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// Whether `other` lies inside this rectangle, allowing `tolerance` points of overhang.
    public func contains(_ other: Rect, tolerance: Double = 0) -> Bool {
        other.minX >= minX - tolerance && other.maxX <= maxX + tolerance
            && other.minY >= minY - tolerance && other.maxY <= maxY + tolerance
    }
}

extension Scene {
    /// The page rectangle, `0, 0, width, height`.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Every line of text in the scene (groups included, in drawing order) with the box it covers.
    ///
    /// Lets tests and layout code check that labels stay on the page and do not collide.
    public func placedTexts(measurer: TextMeasurer) -> [PlacedText] {
        var out: [PlacedText] = []
        func walk(_ items: [SceneItem]) {
            for item in items {
                switch item {
                case .text(let s, let at, let style, let rotation):
                    let box = style.box(of: s, at: at, measurer: measurer).rotated(by: rotation, about: at)
                    out.append(PlacedText(string: s, bounds: box))
                case .group(let inner, _, _):
                    walk(inner)
                default:
                    break
                }
            }
        }
        walk(items)
        return out
    }
}
