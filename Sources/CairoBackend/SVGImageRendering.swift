import Foundation
import Graphics

/// Marks nearest-neighbour images in Cairo's SVG output so viewers keep their pixels sharp.
///
/// Cairo's SVG surface does not write the pattern filter, so browsers smooth a heatmap's
/// cells into a blur. Cairo writes one `<image` element per drawn image, in drawing order;
/// when the counts agree, each nearest-neighbour one gets `image-rendering` (the SVG 1.1
/// attribute, and the CSS value browsers honour).
enum SVGImageRendering {
    static let marker = Array("<image ".utf8)
    static let attributes = Array(#"image-rendering="optimizeSpeed" style="image-rendering:pixelated" "#.utf8)

    static func markNearest(in svg: Data, drawn: [ImageInterpolation]) -> Data {
        guard drawn.contains(.nearest) else { return svg }
        let bytes = [UInt8](svg)
        var starts: [Int] = []
        var i = 0
        while i + marker.count <= bytes.count {
            if bytes[i] == marker[0] && bytes[i..<i + marker.count].elementsEqual(marker) {
                starts.append(i + marker.count)
                i += marker.count
            } else {
                i += 1
            }
        }
        // Any other count means Cairo wrote images differently than assumed: leave the file alone.
        guard starts.count == drawn.count else { return svg }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + attributes.count * starts.count)
        var copied = 0
        for (start, interpolation) in zip(starts, drawn) where interpolation == .nearest {
            out.append(contentsOf: bytes[copied..<start])
            out.append(contentsOf: attributes)
            copied = start
        }
        out.append(contentsOf: bytes[copied...])
        return Data(out)
    }
}
