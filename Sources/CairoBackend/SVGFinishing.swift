import Foundation
import Graphics

/// The last touches on Cairo's SVG output, in one pass over its bytes: ids that depend only on
/// the document, and sharp nearest-neighbour images.
///
/// **Ids.** Cairo names some elements from process-wide counters (`surface3790`, `image2663`),
/// so a document's bytes would depend on what the process rendered before it, and on thread
/// timing. Every id made of letters and a number (`clip12`, `glyph0-1`) gets a new number:
/// per prefix, in order of first appearance, from 0; a glyph's `-N` suffix is kept. Every
/// reference (`xlink:href="#…"`, `url(#…)`) is rewritten the same way, so equal ids stay equal
/// and distinct ids distinct. Ids without a number (`alpha`) are left alone.
///
/// **Images.** Cairo's SVG surface does not write the pattern filter, so browsers smooth a
/// heatmap's cells into a blur. Cairo writes one `<image` element per drawn image, in drawing
/// order; when the counts agree, each nearest-neighbour one gets `image-rendering` (the SVG 1.1
/// attribute, and the CSS value browsers honour).
enum SVGFinishing {
    static let imageMarker = Array("<image ".utf8)
    static let nearestAttributes = Array(#"image-rendering="optimizeSpeed" style="image-rendering:pixelated" "#.utf8)
    /// What precedes an id or a reference to one in Cairo's SVG.
    static let idMarker = Array(" id=\"".utf8)
    static let hrefMarker = Array("href=\"#".utf8)
    static let urlMarker = Array("url(#".utf8)

    static func finish(_ svg: Data, drawn: [ImageInterpolation]) -> Data {
        svg.withUnsafeBytes { finish($0.bindMemory(to: UInt8.self), drawn: drawn) }
    }

    /// A change to the input: the id's number at `start..<end` becomes `number`; or, with `number`
    /// nil, the attributes of the `image`-th `<image` element begin at `start` (== `end`).
    private struct Edit {
        var start: Int
        var end: Int
        var number: Int?
        var image: Int
    }

    private struct Key: Hashable {
        var prefix: String
        var number: Int
    }

    static func finish(_ bytes: UnsafeBufferPointer<UInt8>, drawn: [ImageInterpolation]) -> Data {
        var edits: [Edit] = []
        var images = 0
        var renumbered: [Key: Int] = [:]
        var nextNumber: [String: Int] = [:]

        func matches(_ marker: [UInt8], at start: Int) -> Bool {
            start >= 0 && start + marker.count <= bytes.count && marker.withUnsafeBufferPointer {
                memcmp($0.baseAddress!, bytes.baseAddress! + start, marker.count) == 0
            }
        }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        /// Renumbers the id that starts at `start`, if it is letters then digits.
        func renumber(at start: Int) {
            var i = start
            while i < bytes.count && isLetter(bytes[i]) { i += 1 }
            let digits = i
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
            // Cairo's numbers are C ints; anything longer is not one of its ids.
            guard digits > start && i > digits && i - digits <= 18 else { return }
            let prefix = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<digits]), as: UTF8.self)
            let key = Key(prefix: prefix, number: bytes[digits..<i].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
            let number: Int
            if let known = renumbered[key] {
                number = known
            } else {
                number = nextNumber[prefix, default: 0]
                nextNumber[prefix] = number + 1
                renumbered[key] = number
            }
            edits.append(Edit(start: digits, end: i, number: number, image: 0))
        }

        // Only the bytes '"', '#' and '<' (all below 64) can end or start a marker.
        let candidates: UInt64 = 1 << 0x22 | 1 << 0x23 | 1 << 0x3C
        for i in 0..<bytes.count where bytes[i] < 64 && candidates & (1 << bytes[i]) != 0 {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                if matches(idMarker, at: i + 1 - idMarker.count) { renumber(at: i + 1) }
            case UInt8(ascii: "#"):
                if matches(hrefMarker, at: i + 1 - hrefMarker.count) || matches(urlMarker, at: i + 1 - urlMarker.count) {
                    renumber(at: i + 1)
                }
            case UInt8(ascii: "<"):
                if matches(imageMarker, at: i) {
                    edits.append(Edit(start: i + imageMarker.count, end: i + imageMarker.count, number: nil, image: images))
                    images += 1
                }
            default:
                break
            }
        }

        // Any other count means Cairo wrote images differently than assumed: leave them alone.
        let markImages = images == drawn.count && drawn.contains(.nearest)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + (markImages ? nearestAttributes.count * images : 0))
        var copied = 0
        for edit in edits {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<edit.start]))
            copied = edit.end
            if let number = edit.number {
                out.append(contentsOf: String(number).utf8)
            } else if markImages && drawn[edit.image] == .nearest {
                out.append(contentsOf: nearestAttributes)
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return Data(out)
    }
}
