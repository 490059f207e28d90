import Foundation
import GradientData
import Graphics

/// SHA-256 hashes of images' pixels by relative path, kept in a JSON file instead of golden PNGs.
///
/// An image's hash covers what it looks like, not how it was stored: the
/// SHA-256 of its width and height (each 4 bytes, big-endian) followed by its
/// pixels as 8-bit RGBA, rows top first. Re-encoding, other zlib settings,
/// palette, grey or RGB storage give the same hash. 16-bit images are hashed
/// after rounding each sample to 8 bits (as they are compared), so two 16-bit
/// images that differ only below 1/255 have the same hash.
///
/// The file is one JSON object, keys sorted: `{"plots/a.png": "<64 hex digits>", …}`.
public struct HashLibrary: Hashable, Sendable {
    /// Hex SHA-256 by relative path (`/`-separated).
    public var hashes: [String: String]
    /// The file it was read from, if any.
    public var path: String?

    public init(hashes: [String: String] = [:], path: String? = nil) {
        self.hashes = hashes
        self.path = path
    }

    /// The hash of `image`'s size and 8-bit RGBA pixels, as 64 lowercase hex digits.
    public static func hash(of image: RasterImage) -> String {
        var sha = SHA256()
        var header: [UInt8] = []
        for value in [UInt32(truncatingIfNeeded: image.width), UInt32(truncatingIfNeeded: image.height)] {
            for shift in stride(from: 24, through: 0, by: -8) { header.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        sha.update(header)
        sha.update(image.pixels)
        return SHA256.hexString(sha.finish())
    }

    /// The first 12 hex digits, enough to tell hashes apart in a message; `none` for nil.
    public static func short(_ hash: String?) -> String {
        guard let hash else { return "none" }
        return String(hash.prefix(12))
    }

    /// Reads a library written by `encoded()` (or by hand in the same form).
    ///
    /// - Throws: `HashLibraryError` naming the file and the key that is wrong.
    public static func read(from url: URL) throws(HashLibraryError) -> HashLibrary {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HashLibraryError(path: url.path, reason: "cannot read the hash library (no such file?)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw HashLibraryError(path: url.path, reason: "not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw HashLibraryError(path: url.path, reason: "a hash library is one JSON object of \"path.png\": \"sha256\"")
        }
        var hashes: [String: String] = [:]
        for key in object.keys.sorted() {
            guard let value = object[key] as? String, isHash(value.lowercased()) else {
                throw HashLibraryError(path: url.path, reason: "\"\(key)\": not a SHA-256 (64 hex digits)")
            }
            guard isRelativePNGPath(key) else {
                throw HashLibraryError(
                    path: url.path,
                    reason: "\"\(key)\": not a relative path to a .png file (no leading /, no . or .. parts)")
            }
            hashes[key] = value.lowercased()
        }
        return HashLibrary(hashes: hashes, path: url.path)
    }

    /// The library as JSON: one key per line, sorted, so it diffs well in review.
    public func encoded() -> Data {
        let keys = hashes.keys.sorted()
        guard !keys.isEmpty else { return Data("{}\n".utf8) }
        let lines = keys.map { "  \(JSONText.string($0).text()): \(JSONText.string(hashes[$0] ?? "").text())" }
        return Data(("{\n" + lines.joined(separator: ",\n") + "\n}\n").utf8)
    }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// True for `a.png`, `sub/b.png`; false for absolute paths and paths with empty, `.` or `..` parts.
    static func isRelativePNGPath(_ key: String) -> Bool {
        guard key.lowercased().hasSuffix(".png"), !key.hasPrefix("/") else { return false }
        return key.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}

/// A hash library that cannot be used.
public struct HashLibraryError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
