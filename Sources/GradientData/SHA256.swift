import CCrypto

/// SHA-256, fed in pieces, computed by OpenSSL's libcrypto.
public struct SHA256 {
    /// The digest context; a class so that OpenSSL's context is freed once.
    private final class Context {
        let pointer: OpaquePointer?
        init() {
            pointer = EVP_MD_CTX_new()
            if let pointer { EVP_DigestInit_ex(pointer, EVP_sha256(), nil) }
        }
        deinit { EVP_MD_CTX_free(pointer) }
    }

    private let context = Context()

    public init() {}

    /// Adds `bytes` to the message.
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            _ = EVP_DigestUpdate(context.pointer, buffer.baseAddress, buffer.count)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { _ = EVP_DigestUpdate(context.pointer, $0.baseAddress, $0.count) }
        }
    }

    /// The 32-byte digest of everything added so far; the hash is finished after this call.
    public mutating func finish() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context.pointer, $0.baseAddress, &length) }
        return digest
    }

    /// `digest` as lowercase hex digits.
    public static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var sha = SHA256()
        sha.update(bytes)
        return hexString(sha.finish())
    }
}
