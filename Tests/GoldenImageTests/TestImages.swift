import Foundation
import Graphics
import TestSupport
import VanishCommands

/// Small deterministic images for comparator tests.
enum TestImages {
    /// A `width` x `height` gradient with a varying alpha column, so every channel matters.
    static func gradient(width: Int = 16, height: Int = 12, opaque: Bool = false) -> RasterImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [
                    UInt8((x * 255) / max(1, width - 1)),
                    UInt8((y * 255) / max(1, height - 1)),
                    UInt8((x * 7 + y * 13) % 256),
                    opaque ? 255 : UInt8(255 - (x % 4) * 40),
                ]
            }
        }
        return RasterImage(width: width, height: height, pixels: pixels)
    }

    /// `image` with channel `channel` of pixel (x, y) moved by `delta` (clamped).
    static func changing(_ image: RasterImage, x: Int, y: Int, channel: Int = 0, by delta: Int) -> RasterImage {
        var copy = image
        let i = (y * image.width + x) * 4 + channel
        copy.pixels[i] = UInt8(max(0, min(255, Int(copy.pixels[i]) + delta)))
        return copy
    }
}

/// Runs `vanish compare` as a library call: its status, the lines it printed and its error lines.
func runCompare(_ request: CompareRequest) -> (CompareStatus, [String], [String]) {
    var out: [String] = []
    var err: [String] = []
    let status = CompareImages.run(request, output: { out.append($0) }, errors: { err.append($0) })
    return (status, out, err)
}

/// Every file and folder below `folder` with its bytes (empty for folders), to show what changed.
func folderSnapshot(_ folder: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    for path in VanishExecutable.contents(of: folder) {
        files[path] = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) ?? Data()
    }
    return files
}
