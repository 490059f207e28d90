import Foundation

/// Joins PDF files that Cairo wrote into one document with all their pages, in order.
///
/// Cairo writes a PDF in one pass on one thread; a long report renders faster as parts
/// (runs of pages) on several cores, joined here. Each part keeps its own objects (fonts
/// included, so a font used in two parts is embedded twice), renumbered after the first
/// part's; the first part's page tree, document information and catalog are kept and its
/// page tree lists every page. Only the object headers and dictionaries are rewritten,
/// never stream data, so the result is a function of the parts' bytes alone.
///
/// Anything but the plain structure Cairo 1.16 writes (a catalog with only its page tree,
/// a classic cross-reference table, no free objects) is refused with `PDFJoin.Unsupported`.
enum PDFJoin {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    /// The joined document; one part is returned as it is.
    static func join(_ parts: [Data]) throws -> Data {
        guard parts.count > 1 else {
            guard let only = parts.first else { throw Unsupported(description: "no parts") }
            return only
        }
        let files = try parts.map { try File(Array($0)) }
        let first = files[0]
        var out: [UInt8] = Array(first.bytes[0..<first.objectsStart])
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var offsets: [Int: Int] = [:]
        var kids: [Int] = []
        var next = first.size
        var pagesBefore = 0
        for (k, file) in files.enumerated() {
            // Renumber: the first part keeps its numbers; later parts' objects follow, and their
            // page tree becomes the first part's.
            var map: [Int: Int] = [:]
            for number in file.order where number != file.catalog && number != file.info && number != file.pages {
                if k == 0 {
                    map[number] = number
                } else {
                    map[number] = next
                    next += 1
                }
            }
            map[file.pages] = first.pages
            if k == 0 {
                map[file.catalog] = file.catalog
                if let info = file.info { map[info] = info }
            }
            for number in file.order where number != file.catalog && number != file.info && number != file.pages {
                let new = map[number]!
                offsets[new] = out.count
                try out += file.renumbered(number, map: map, pageOffset: k == 0 ? 0 : pagesBefore)
            }
            kids += try file.kids().map { old in
                guard let new = map[old] else { throw Unsupported(description: "page \(old) is not an object") }
                return new
            }
            pagesBefore += try file.kids().count
        }
        offsets[first.pages] = out.count
        out += Array("\(first.pages) 0 obj\n<< /Type /Pages\n   /Kids [ \(kids.map { "\($0) 0 R " }.joined())]\n   /Count \(kids.count)\n>>\nendobj\n".utf8)
        for number in [first.info, first.catalog].compactMap({ $0 }) {
            offsets[number] = out.count
            out += first.object(number)
        }
        try appendCrossReferences(to: &out, offsets: offsets, size: next, root: first.catalog, info: first.info)
        return Data(out)
    }

    /// Ends `out`, whose objects 1..<size start at `offsets`, with its cross-reference table and
    /// trailer, as Cairo writes them.
    static func appendCrossReferences(to out: inout [UInt8], offsets: [Int: Int], size: Int, root: Int, info: Int?) throws {
        let xref = out.count
        var table = "xref\n0 \(size)\n0000000000 65535 f \n"
        for number in 1..<size {
            guard let offset = offsets[number] else { throw Unsupported(description: "object \(number) was not written") }
            let digits = String(offset)
            table += String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(size)\n   /Root \(root) 0 R\n"
        if let info { table += "   /Info \(info) 0 R\n" }
        table += ">>\nstartxref\n\(xref)\n%%EOF\n"
        out += Array(table.utf8)
    }

    /// One PDF's objects, found through its cross-reference table.
    struct File {
        let bytes: [UInt8]
        /// Where each object starts, and the objects in file order.
        let start: [Int: Int]
        let order: [Int]
        let end: [Int: Int]
        let objectsStart: Int
        let size: Int
        let catalog: Int
        let info: Int?
        let pages: Int

        init(_ bytes: [UInt8]) throws {
            self.bytes = bytes
            guard let startxref = Self.lastRange(of: "startxref", in: bytes),
                  let xref = Self.integer(in: bytes, from: startxref.upperBound).map(\.value),
                  xref < bytes.count, Self.matches("xref", in: bytes, at: xref)
            else { throw Unsupported(description: "no cross-reference table") }
            var i = xref + 4
            guard let first = Self.integer(in: bytes, from: i), first.value == 0,
                  let count = Self.integer(in: bytes, from: first.end), count.value > 1
            else { throw Unsupported(description: "cross-reference table is not one section from object 0") }
            i = count.end
            while i < bytes.count, bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r") || bytes[i] == UInt8(ascii: " ") { i += 1 }
            var start: [Int: Int] = [:]
            for number in 0..<count.value {
                let entry = i + 20 * number
                guard entry + 20 <= bytes.count, let offset = Self.integer(in: bytes, from: entry) else {
                    throw Unsupported(description: "cross-reference entry \(number) is cut off")
                }
                let kind = bytes[entry + 17]
                if number == 0 { continue }
                guard kind == UInt8(ascii: "n"), offset.value < xref else { throw Unsupported(description: "object \(number) is free") }
                start[number] = offset.value
            }
            let order = start.keys.sorted { start[$0]! < start[$1]! }
            var end: [Int: Int] = [:]
            for (k, number) in order.enumerated() {
                end[number] = k + 1 < order.count ? start[order[k + 1]]! : xref
            }
            guard let trailer = Self.lastRange(of: "trailer", in: bytes), trailer.lowerBound > xref,
                  let root = Self.reference(after: "/Root", in: bytes, from: trailer.upperBound)
            else { throw Unsupported(description: "no trailer with a /Root") }
            self.start = start
            self.order = order
            self.end = end
            objectsStart = order.first.map { start[$0]! } ?? xref
            size = count.value
            catalog = root
            info = Self.reference(after: "/Info", in: bytes, from: trailer.upperBound)
            // The catalog must hold nothing but its page tree: anything else would be lost.
            let catalogText = String(decoding: Self.slice(bytes, start[root], end[root]), as: UTF8.self)
            guard let pagesRange = catalogText.range(of: "/Pages "),
                  let pages = Int(catalogText[pagesRange.upperBound...].prefix { $0.isNumber }),
                  catalogText == "\(root) 0 obj\n<< /Type /Catalog\n   /Pages \(pages) 0 R\n>>\nendobj\n",
                  start[pages] != nil
            else { throw Unsupported(description: "catalog holds more than the page tree") }
            self.pages = pages
        }

        func object(_ number: Int) -> [UInt8] { Array(Self.slice(bytes, start[number], end[number])) }

        /// The page objects the page tree lists, in order.
        func kids() throws -> [Int] {
            let text = String(decoding: object(pages), as: UTF8.self)
            guard let open = text.range(of: "/Kids ["), let close = text.range(of: "]", range: open.upperBound..<text.endIndex)
            else { throw Unsupported(description: "page tree has no /Kids") }
            let words = text[open.upperBound..<close.lowerBound].split(separator: " ")
            guard words.count % 3 == 0 else { throw Unsupported(description: "page tree's /Kids is not a list of references") }
            return try stride(from: 0, to: words.count, by: 3).map { k in
                guard let n = Int(words[k]), words[k + 1] == "0", words[k + 2] == "R" else {
                    throw Unsupported(description: "page tree's /Kids is not a list of references")
                }
                return n
            }
        }

        /// Object `number` with its number and every reference outside its stream data mapped
        /// through `map`; a page's `% n` comment counts on by `pageOffset`.
        func renumbered(_ number: Int, map: [Int: Int], pageOffset: Int) throws -> [UInt8] {
            let object = object(number)
            var head = object.count
            if let found = Self.firstRange(of: Self.streamMarker, in: object) { head = found.upperBound }
            var out: [UInt8] = []
            out.reserveCapacity(object.count + 16)
            // The bytes between the numbers that change are copied a run at a time.
            var i = 0, copied = 0
            while i < head {
                let c = object[i]
                let startsWord = i == 0 || Self.isDelimiter(object[i - 1])
                if startsWord, Self.isDigit(c), let n = Self.integer(in: object, from: i), n.end <= head {
                    // "N 0 obj" (the header) or "N 0 R" (a reference).
                    let rest = object[n.end..<min(head, n.end + 6)]
                    let isObj = rest.starts(with: Self.objectSuffix)
                    let isRef = rest.starts(with: Self.referenceSuffix) && (n.end + 4 >= head || Self.isDelimiter(object[n.end + 4]))
                    if isObj || isRef {
                        guard let mapped = map[n.value] else { throw Unsupported(description: "object \(number) refers to unknown object \(n.value)") }
                        out += object[copied..<i]
                        out += Array(String(mapped).utf8)
                        i = n.end
                        copied = i
                        continue
                    }
                }
                i += 1
            }
            out += object[copied..<head]
            if pageOffset > 0, let comment = Self.firstRange(of: Self.pageComment, in: out) {
                var end = comment.upperBound
                var page = 0
                while end < out.count, Self.isDigit(out[end]), end - comment.upperBound < 18 {
                    page = page * 10 + Int(out[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if end > comment.upperBound {
                    out.replaceSubrange(comment.upperBound..<end, with: String(page + pageOffset).utf8)
                }
            }
            out += object[head...]
            return out
        }

        static func slice(_ bytes: [UInt8], _ from: Int?, _ to: Int?) -> ArraySlice<UInt8> {
            guard let from, let to, from <= to, to <= bytes.count else { return [] }
            return bytes[from..<to]
        }

        static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

        static func isDelimiter(_ c: UInt8) -> Bool {
            switch c {
            case 0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00: return true
            case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("),
                 UInt8(ascii: ")"), UInt8(ascii: "/"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "%"):
                return true
            default: return false
            }
        }

        static let objectSuffix = Array(" 0 obj".utf8), referenceSuffix = Array(" 0 R".utf8)
        static let streamMarker = Array(">>\nstream\n".utf8)

        /// The comment Cairo writes after a page object's type: `/Type /Page % 3`.
        static let pageComment = Array("/Type /Page % ".utf8)

        /// The decimal integer at `from` (after spaces and line ends) and where it ends.
        static func integer(in bytes: [UInt8], from: Int) -> (value: Int, end: Int)? {
            var i = from
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
            var value = 0, digits = 0
            while i < bytes.count, isDigit(bytes[i]), digits < 18 {
                value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                digits += 1
                i += 1
            }
            return digits > 0 ? (value, i) : nil
        }

        static func matches(_ word: String, in bytes: [UInt8], at index: Int) -> Bool {
            bytes[index...].starts(with: Array(word.utf8))
        }

        static func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
            guard needle.count <= bytes.count else { return nil }
            var i = 0
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
                i += 1
            }
            return nil
        }

        static func lastRange(of word: String, in bytes: [UInt8]) -> Range<Int>? {
            let needle = Array(word.utf8)
            var i = bytes.count - needle.count
            while i >= 0 {
                if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
                i -= 1
            }
            return nil
        }

        /// The object number of the reference `key N 0 R` after `from`.
        static func reference(after key: String, in bytes: [UInt8], from: Int) -> Int? {
            let tail = Array(bytes[from...])
            guard let k = firstRange(of: Array((key + " ").utf8), in: tail), let n = integer(in: tail, from: k.upperBound),
                  tail[n.end...].starts(with: Array(" 0 R".utf8))
            else { return nil }
            return n.value
        }
    }
}
