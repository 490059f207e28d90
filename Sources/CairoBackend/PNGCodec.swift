import CPNG
import Foundation
import Graphics

/// A PNG that could not be read, with the file it came from.
public struct PNGReadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in the order a reader would find out.
    public enum Kind: Equatable, Sendable {
        /// No file at the path, or it cannot be opened.
        case missing
        /// The path names a folder, not a file.
        case isFolder
        /// The first eight bytes are not the PNG signature.
        case notPNG
        /// The data ends before the image does.
        case truncated
        /// A chunk, checksum or compressed stream is damaged; libpng's words.
        case corrupt(String)
        /// The header asks for more pixels than `PNGCodec.maxPixels`.
        case tooLarge(String)
    }

    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .missing: return "\(path): no such file"
        case .isFolder: return "\(path): is a folder, not a PNG file"
        case .notPNG: return "\(path): not a PNG file (bad signature)"
        case .truncated: return "\(path): truncated PNG (the file ends before the image does)"
        case .corrupt(let reason): return "\(path): corrupt PNG (\(reason))"
        case .tooLarge(let reason): return "\(path): PNG too large (\(reason))"
        }
    }
}

/// A RasterImage that could not be encoded as PNG.
public struct PNGWriteError: Error, CustomStringConvertible, Sendable {
    public var reason: String

    public var description: String { "cannot encode PNG: \(reason)" }
}

/// Reads and writes PNG files as `RasterImage`s (8-bit RGBA, straight alpha) through libpng.
///
/// Decoding keeps the file's own sample values: palette, grey and 16-bit images
/// become 8-bit RGBA without gamma or colour-profile conversion, so a grey or
/// palette PNG decodes to the same pixels as its RGB equivalent.
public enum PNGCodec {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The most pixels a decoded image may have (2^28, 1 GiB as RGBA).
    public static let maxPixels = 1 << 28

    /// Decodes the PNG file at `url`, refusing (before allocating them) images of more than `maxPixels` pixels.
    public static func decode(contentsOf url: URL, maxPixels: Int = PNGCodec.maxPixels) throws(PNGReadError) -> RasterImage {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw PNGReadError(path: url.path, kind: .missing)
        }
        if isFolder.boolValue { throw PNGReadError(path: url.path, kind: .isFolder) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PNGReadError(path: url.path, kind: .missing)
        }
        return try decode(data, path: url.path, maxPixels: maxPixels)
    }

    /// Decodes PNG bytes; `path` names the source in error messages.
    public static func decode(
        _ data: Data, path: String = "<data>", maxPixels: Int = PNGCodec.maxPixels
    ) throws(PNGReadError) -> RasterImage {
        guard data.count >= signature.count, data.prefix(signature.count).elementsEqual(signature) else {
            throw PNGReadError(path: path, kind: data.isEmpty || isPrefixOfSignature(data) ? .truncated : .notPNG)
        }
        var result = vanish_png_decoded()
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            vanish_png_decode(bytes.baseAddress, bytes.count, UInt64(max(0, maxPixels)), &result)
        }
        defer { vanish_png_free(result.pixels) }
        let message = withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch Int(result.status) {
        case Int(VANISH_PNG_OK):
            break
        case Int(VANISH_PNG_TRUNCATED):
            throw PNGReadError(path: path, kind: .truncated)
        case Int(VANISH_PNG_TOO_LARGE):
            throw PNGReadError(path: path, kind: .tooLarge(message))
        default:
            throw PNGReadError(path: path, kind: .corrupt(message.isEmpty ? "unreadable" : message))
        }
        let width = Int(result.width)
        let height = Int(result.height)
        let count = width * height * 4
        guard let pixels = result.pixels else {
            throw PNGReadError(path: path, kind: .corrupt("no pixel data"))
        }
        return RasterImage(width: width, height: height, pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// PNG bytes for `image`: 8-bit RGB when every pixel is opaque, else 8-bit RGBA.
    ///
    /// The same pixels always give the same bytes (fixed compression, no time stamp).
    public static func encode(_ image: RasterImage) throws(PNGWriteError) -> Data {
        guard image.width > 0, image.height > 0 else {
            throw PNGWriteError(reason: "a PNG needs at least one pixel (image is \(image.width) x \(image.height))")
        }
        let opaque = stride(from: 3, to: image.pixels.count, by: 4).allSatisfy { image.pixels[$0] == 255 }
        return try image.pixels.withUnsafeBufferPointer { (pixels) throws(PNGWriteError) -> Data in
            guard let base = pixels.baseAddress else { throw PNGWriteError(reason: "the image holds no pixels") }
            return try PNGWriter.encode(base, stride: image.width * 4, width: image.width, height: image.height,
                                 layout: Int32(opaque ? VANISH_PNG_ROWS_RGBX : VANISH_PNG_ROWS_RGBA), pixelsPerMetre: 0)
        }
    }

    /// True when `data` is a non-empty proper start of the signature (a file cut inside it).
    private static func isPrefixOfSignature(_ data: Data) -> Bool {
        data.count < signature.count && data.elementsEqual(signature.prefix(data.count))
    }
}
