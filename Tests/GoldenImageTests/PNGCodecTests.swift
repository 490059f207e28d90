import CairoBackend
import Foundation
import Graphics
import Testing
import TestSupport

@Suite("PNGCodec")
struct PNGCodecTests {
    @Test func roundTripKeepsStraightAlphaExactly() throws {
        let image = TestImages.gradient()
        let data = try PNGCodec.encode(image)
        #expect(Array(data.prefix(8)) == PNGCodec.signature)
        #expect(try PNGCodec.decode(data) == image)
    }

    @Test func opaqueImagesAreWrittenAsRGBAndReadBackAsRGBA() throws {
        let image = TestImages.gradient(opaque: true)
        let data = try PNGCodec.encode(image)
        // IHDR colour type (byte 25): 2 = RGB, 6 = RGBA.
        #expect(data[25] == 2)
        #expect(try PNGCodec.decode(data) == image)
        #expect(try PNGCodec.encode(TestImages.gradient())[25] == 6)
    }

    @Test func encodingIsDeterministic() throws {
        let image = TestImages.gradient(width: 40, height: 30)
        #expect(try PNGCodec.encode(image) == PNGCodec.encode(image))
    }

    @Test func emptyImageCannotBeEncoded() {
        #expect(throws: PNGWriteError.self) { try PNGCodec.encode(RasterImage(width: 0, height: 0, pixels: [])) }
    }

    @Test func missingFileIsReportedAsMissing() throws {
        let folder = try TestPaths.makeTemporaryFolder()
        let url = folder.appendingPathComponent("nope.png")
        let error = #expect(throws: PNGReadError.self) { try PNGCodec.decode(contentsOf: url) }
        #expect(error?.kind == .missing)
        #expect(error?.description == "\(url.path): no such file")
    }

    @Test func folderIsNotAPNG() throws {
        let folder = try TestPaths.makeTemporaryFolder()
        let error = #expect(throws: PNGReadError.self) { try PNGCodec.decode(contentsOf: folder) }
        #expect(error?.kind == .isFolder)
    }

    @Test func textFileIsNotAPNG() {
        let error = #expect(throws: PNGReadError.self) {
            try PNGCodec.decode(Data("GIF89a, or rather some text".utf8), path: "a.png")
        }
        #expect(error?.kind == .notPNG)
        #expect(error?.description == "a.png: not a PNG file (bad signature)")
        // Shorter than the signature and not a prefix of it.
        #expect((try? PNGCodec.decode(Data("hi".utf8))) == nil)
    }

    @Test(arguments: [0, 4, 8, 20, 40, 0.5 as Double, -12, -1])
    func truncatedFilesAreReportedAsTruncated(cut: Double) throws {
        let data = try PNGCodec.encode(TestImages.gradient(width: 30, height: 20))
        // Positive whole numbers keep that many bytes, fractions keep that share, negatives drop bytes from the end.
        let keep = cut < 0 ? data.count + Int(cut) : (cut < 1 && cut > 0 ? Int(Double(data.count) * cut) : Int(cut))
        let error = #expect(throws: PNGReadError.self) { try PNGCodec.decode(data.prefix(keep), path: "cut.png") }
        #expect(error?.kind == .truncated, "kept \(keep) of \(data.count) bytes")
        #expect(error?.description == "cut.png: truncated PNG (the file ends before the image does)")
    }

    @Test func damagedPixelDataIsReportedAsCorrupt() throws {
        var data = try PNGCodec.encode(TestImages.gradient(width: 30, height: 20))
        // The first IDAT chunk's payload starts after signature (8) + IHDR (25) + IDAT length and type (8).
        let index = 8 + 25 + 8 + 5
        #expect(String(decoding: data[(8 + 25 + 4)..<(8 + 25 + 8)], as: UTF8.self) == "IDAT")
        data[index] ^= 0xFF
        let error = #expect(throws: PNGReadError.self) { try PNGCodec.decode(data, path: "bad.png") }
        guard case .corrupt(let reason)? = error?.kind else {
            Issue.record("expected a corrupt PNG, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("IDAT"))
        #expect(error?.description.hasPrefix("bad.png: corrupt PNG (IDAT") == true)
    }

    @Test func badChecksumIsReportedAsCorrupt() throws {
        var data = try PNGCodec.encode(TestImages.gradient())
        // IHDR's CRC is bytes 29...32.
        data[30] ^= 0x01
        let error = #expect(throws: PNGReadError.self) { try PNGCodec.decode(data, path: "crc.png") }
        #expect(error?.description == "crc.png: corrupt PNG (IHDR: CRC error)")
    }
}
