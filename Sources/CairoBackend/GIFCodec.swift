import CGIF
import Foundation
import Graphics

/// A failure of giflib while writing or reading a GIF: the call and giflib's own words.
public struct GIFError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var reason: String

    public var description: String { "GIF \(call) failed: \(reason)" }

    init(_ call: String, code: Int32) {
        self.call = call
        self.reason = GifErrorString(code).map { String(cString: $0) } ?? "giflib error \(code)"
    }

    init(_ call: String, reason: String) {
        self.call = call
        self.reason = reason
    }
}

/// One frame of an animated GIF: palette indices for a rectangle of the canvas.
///
/// A frame is drawn over the previous one (disposal "leave in place"), so it need only cover
/// what changed since the frame before it; or, when `clearsAfter`, its rectangle is cleared to
/// transparent before the next frame (for frames with transparent pixels).
public struct GIFFrame: Hashable, Sendable {
    public var left: Int
    public var top: Int
    public var width: Int
    public var height: Int
    /// `width × height` palette indices, row-major, top row first.
    public var indices: [UInt8]
    /// How long the frame shows, in hundredths of a second (GIF's unit).
    public var delayCentiseconds: Int
    /// The palette index drawn as "leave the pixel below", or nil.
    public var transparentIndex: Int?
    /// Whether the frame's rectangle is cleared (disposal "restore to background") before the next frame.
    public var clearsAfter: Bool

    public init(left: Int, top: Int, width: Int, height: Int, indices: [UInt8], delayCentiseconds: Int, transparentIndex: Int? = nil,
                clearsAfter: Bool = false) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
        self.indices = indices
        self.delayCentiseconds = delayCentiseconds
        self.transparentIndex = transparentIndex
        self.clearsAfter = clearsAfter
    }
}

/// An animated GIF as giflib writes and reads it: one global palette, frames, a loop count.
public struct GIFAnimation: Hashable, Sendable {
    public var width: Int
    public var height: Int
    /// At most 256 colours, each `RasterImage.word`-packed with alpha 255 (R, G, B bytes in memory order).
    public var palette: [UInt32]
    public var frames: [GIFFrame]
    /// How many times the animation repeats; 0 = forever (the NETSCAPE2.0 extension's convention); nil = no extension.
    public var loopCount: Int?

    public init(width: Int, height: Int, palette: [UInt32], frames: [GIFFrame], loopCount: Int? = 0) {
        self.width = width
        self.height = height
        self.palette = palette
        self.frames = frames
        self.loopCount = loopCount
    }

    /// Every frame drawn onto the canvas in turn, as `body` sees it after each frame (transparent
    /// black before the first frame covers it). Frames are composed one by one, so at most two
    /// canvases are alive.
    public func forEachComposedFrame(_ body: (Int, RasterImage) throws -> Void) rethrows {
        var canvas = RasterImage(width: width, height: height)
        for (n, frame) in frames.enumerated() {
            canvas.pixels.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                let words = base.assumingMemoryBound(to: UInt32.self)
                for y in 0..<frame.height where frame.top + y < height {
                    for x in 0..<frame.width where frame.left + x < width {
                        let index = Int(frame.indices[y * frame.width + x])
                        if index == frame.transparentIndex { continue }
                        words[(frame.top + y) * width + frame.left + x] = index < palette.count ? palette[index] : 0
                    }
                }
            }
            try body(n, canvas)
            if frame.clearsAfter {
                for y in frame.top..<min(height, frame.top + frame.height) {
                    for x in frame.left..<min(width, frame.left + frame.width) { canvas[x, y] = .clear }
                }
            }
        }
    }
}

/// Writes and reads animated GIFs with giflib (its LZW coder; nothing is hand-coded here).
public enum GIFCodec {
    /// The GIF file of `animation`: GIF89a, global palette padded to a power of two, NETSCAPE2.0
    /// loop extension, one graphics-control block (delay, transparency, disposal) per frame.
    ///
    /// A GIF frame's LZW code starts afresh, so frames are coded independently, `concurrently`
    /// on every core: each by giflib as a one-frame file, whose frame blocks are then placed in
    /// order after the header. The bytes are those of coding the frames one after another.
    public static func encode(_ animation: GIFAnimation, concurrently: Bool = true) throws -> Data {
        guard (1...65535).contains(animation.width), (1...65535).contains(animation.height) else {
            throw GIFError("EGifPutScreenDesc", reason: "canvas \(animation.width) × \(animation.height) is outside 1 to 65535 pixels")
        }
        guard (1...256).contains(animation.palette.count) else {
            throw GIFError("GifMakeMapObject", reason: "a palette holds 1 to 256 colours, not \(animation.palette.count)")
        }
        for (n, frame) in animation.frames.enumerated() {
            guard frame.width >= 1, frame.height >= 1, frame.left >= 0, frame.top >= 0,
                  frame.left + frame.width <= animation.width, frame.top + frame.height <= animation.height,
                  frame.indices.count == frame.width * frame.height
            else { throw GIFError("EGifPutImageDesc", reason: "frame \(n + 1) does not fit the canvas or its pixel count") }
        }
        let header = try file(animation, frames: [], loops: true)
        // Header, screen descriptor and palette; then the blocks before the trailer.
        let prefix = 13 + 3 * paletteSize(animation.palette.count)
        let job: @Sendable (Int) -> Result<Data, Error> = { n in
            Result {
                let single = try file(animation, frames: [animation.frames[n]], loops: false)
                guard single.count > prefix + 1, single.last == 0x3B else {
                    throw GIFError("EGifCloseFile", reason: "frame \(n + 1) came out in an unexpected layout")
                }
                return single.subdata(in: (single.startIndex + prefix)..<(single.endIndex - 1))
            }
        }
        let count = animation.frames.count
        let frames = concurrently ? Concurrently.map(count, job) : (0..<count).map(job)
        guard header.last == 0x3B else { throw GIFError("EGifCloseFile", reason: "the header came out in an unexpected layout") }
        var out = header.dropLast()
        for frame in frames { out.append(try frame.get()) }
        out.append(0x3B)
        return Data(out)
    }

    /// The palette's size in the file: the next power of two, at least 2.
    static func paletteSize(_ count: Int) -> Int {
        var size = 2
        while size < count { size *= 2 }
        return size
    }

    /// A whole GIF file with `frames` of `animation`, and the loop extension if `loops`.
    private static func file(_ animation: GIFAnimation, frames: [GIFFrame], loops: Bool) throws -> Data {
        let sink = GIFByteSink()
        var error: Int32 = 0
        guard let gif = EGifOpen(Unmanaged.passUnretained(sink).toOpaque(), { file, bytes, count in
            guard let file, let user = file.pointee.UserData, let bytes, count >= 0 else { return 0 }
            Unmanaged<GIFByteSink>.fromOpaque(user).takeUnretainedValue().data.append(bytes, count: Int(count))
            return count
        }, &error) else { throw GIFError("EGifOpen", code: error) }
        var open = true
        defer { if open { EGifCloseFile(gif, &error) } }

        // giflib wants a power-of-two table; entries past the palette repeat its last colour.
        let size = paletteSize(animation.palette.count)
        guard let map = GifMakeMapObject(Int32(size), nil) else { throw GIFError("GifMakeMapObject", reason: "out of memory") }
        defer { GifFreeMapObject(map) }
        for i in 0..<size {
            let word = UInt32(littleEndian: animation.palette[min(i, animation.palette.count - 1)])
            map.pointee.Colors[i] = GifColorType(Red: UInt8(truncatingIfNeeded: word), Green: UInt8(truncatingIfNeeded: word >> 8),
                                                 Blue: UInt8(truncatingIfNeeded: word >> 16))
        }
        EGifSetGifVersion(gif, true)
        try check(EGifPutScreenDesc(gif, Int32(animation.width), Int32(animation.height), 8, 0, map), gif, "EGifPutScreenDesc")
        if loops, let loopCount = animation.loopCount {
            try check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "EGifPutExtensionLeader")
            var name = Array("NETSCAPE2.0".utf8)
            try check(EGifPutExtensionBlock(gif, Int32(name.count), &name), gif, "EGifPutExtensionBlock")
            let count = UInt16(clamping: loopCount)
            var loop: [UInt8] = [1, UInt8(count & 0xFF), UInt8(count >> 8)]
            try check(EGifPutExtensionBlock(gif, 3, &loop), gif, "EGifPutExtensionBlock")
            try check(EGifPutExtensionTrailer(gif), gif, "EGifPutExtensionTrailer")
        }
        for frame in frames {
            var control = GraphicsControlBlock(
                DisposalMode: frame.clearsAfter ? DISPOSE_BACKGROUND : DISPOSE_DO_NOT, UserInputFlag: false,
                DelayTime: Int32(clamping: frame.delayCentiseconds),
                TransparentColor: Int32(frame.transparentIndex ?? Int(NO_TRANSPARENT_COLOR)))
            var block = [UInt8](repeating: 0, count: 4)
            let length = EGifGCBToExtension(&control, &block)
            try check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, Int32(length), &block), gif, "EGifPutExtension")
            try check(EGifPutImageDesc(gif, Int32(frame.left), Int32(frame.top), Int32(frame.width), Int32(frame.height), false, nil),
                      gif, "EGifPutImageDesc")
            try frame.indices.withUnsafeBufferPointer { pixels in
                guard let base = pixels.baseAddress else { return }
                let line = UnsafeMutablePointer(mutating: base)
                // giflib reads each line and does not keep it.
                for y in 0..<frame.height {
                    try check(EGifPutLine(gif, line + y * frame.width, Int32(frame.width)), gif, "EGifPutLine")
                }
            }
        }
        open = false
        guard EGifCloseFile(gif, &error) == GIF_OK else { throw GIFError("EGifCloseFile", code: error) }
        return sink.data
    }

    /// Reads a GIF with giflib's DGifSlurp: canvas size, global palette, frames with their delays
    /// and transparency, and the NETSCAPE2.0 loop count (nil without one).
    public static func decode(_ data: Data) throws -> GIFAnimation {
        let source = GIFByteSource(data)
        var error: Int32 = 0
        guard let gif = DGifOpen(Unmanaged.passUnretained(source).toOpaque(), { file, buffer, count in
            guard let file, let user = file.pointee.UserData, let buffer, count >= 0 else { return 0 }
            return Int32(Unmanaged<GIFByteSource>.fromOpaque(user).takeUnretainedValue().read(into: buffer, count: Int(count)))
        }, &error) else { throw GIFError("DGifOpen", code: error) }
        defer { DGifCloseFile(gif, &error) }
        guard DGifSlurp(gif) == GIF_OK else { throw GIFError("DGifSlurp", code: gif.pointee.Error) }

        var palette: [UInt32] = []
        if let map = gif.pointee.SColorMap {
            for i in 0..<Int(map.pointee.ColorCount) {
                let c = map.pointee.Colors[i]
                palette.append(UInt32(littleEndian: UInt32(c.Red) | UInt32(c.Green) << 8 | UInt32(c.Blue) << 16 | 0xFF00_0000))
            }
        }
        var frames: [GIFFrame] = []
        var loopCount: Int?
        for n in 0..<Int(gif.pointee.ImageCount) {
            let image = gif.pointee.SavedImages[n]
            let desc = image.ImageDesc
            let count = Int(desc.Width) * Int(desc.Height)
            let indices = image.RasterBits.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
            var control = GraphicsControlBlock(DisposalMode: 0, UserInputFlag: false, DelayTime: 0, TransparentColor: NO_TRANSPARENT_COLOR)
            _ = DGifSavedExtensionToGCB(gif, Int32(n), &control)
            frames.append(GIFFrame(left: Int(desc.Left), top: Int(desc.Top), width: Int(desc.Width), height: Int(desc.Height),
                                   indices: indices, delayCentiseconds: Int(control.DelayTime),
                                   transparentIndex: control.TransparentColor == NO_TRANSPARENT_COLOR ? nil : Int(control.TransparentColor),
                                   clearsAfter: control.DisposalMode == DISPOSE_BACKGROUND))
            if loopCount == nil { loopCount = netscapeLoopCount(image.ExtensionBlocks, count: Int(image.ExtensionBlockCount)) }
        }
        return GIFAnimation(width: Int(gif.pointee.SWidth), height: Int(gif.pointee.SHeight), palette: palette, frames: frames,
                            loopCount: loopCount)
    }

    /// The loop count of a NETSCAPE2.0 application block among `blocks`: the sub-block `1, lo, hi`
    /// that follows the block naming it.
    static func netscapeLoopCount(_ blocks: UnsafeMutablePointer<ExtensionBlock>?, count: Int) -> Int? {
        guard let blocks, count > 1 else { return nil }
        for i in 0..<(count - 1) where blocks[i].Function == APPLICATION_EXT_FUNC_CODE {
            let name = blocks[i].Bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(blocks[i].ByteCount)), as: UTF8.self) }
            guard name == "NETSCAPE2.0", blocks[i + 1].ByteCount >= 3, let bytes = blocks[i + 1].Bytes, bytes[0] == 1 else { continue }
            return Int(bytes[1]) | Int(bytes[2]) << 8
        }
        return nil
    }

    private static func check(_ result: Int32, _ gif: UnsafeMutablePointer<GifFileType>, _ call: String) throws {
        guard result == GIF_OK else { throw GIFError(call, code: gif.pointee.Error) }
    }
}

/// Where giflib's writer puts the bytes of the file.
private final class GIFByteSink {
    var data = Data()
}

/// What giflib's reader reads from: a file's bytes and how far it has read.
private final class GIFByteSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        let n = min(count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.update(from: base + offset, count: n) }
        }
        offset += n
        return n
    }
}
