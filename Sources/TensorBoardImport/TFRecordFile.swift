import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The records of a TFRecord file, read in chunks so that a log of any size streams in bounded memory.
///
/// Each record is a little-endian UInt64 length, the masked CRC-32C of those 8 bytes, the data,
/// and the masked CRC-32C of the data. Both checksums are verified.
struct TFRecordFile {
    /// How the file ended.
    enum Ending: Equatable {
        /// After a whole record (or at the very start of an empty file).
        case complete
        /// In the middle of a record that starts at this byte, while a writer still has the file open.
        case stillBeingWritten(offset: Int)
    }

    let url: URL
    /// The file's path as the user gave it, for messages.
    let path: String
    static let chunkSize = 4 << 20

    /// Calls `body` with each record's data and the byte offset of the record; the bytes are valid
    /// only during the call.
    ///
    /// - Throws: `TensorBoardImportError` naming the file and byte offset for a checksum that does not
    ///   match, or a last record that is cut short while no writer has the file open (a truncated file).
    func forEachRecord(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws -> Ending {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw TensorBoardImportError(path: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        defer { try? handle.close() }
        // The size when reading began: a record that claims more bytes than are left is cut short,
        // and no buffer is grown to its claimed length.
        let fileSize: Int
        do {
            fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
        } catch {
            throw TensorBoardImportError(path: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        func fail(_ offset: Int, _ message: String) -> TensorBoardImportError {
            TensorBoardImportError(path: path, offset: offset, message: message)
        }

        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var start = 0, end = 0
        // The file offset of buffer[0].
        var bufferOffset = 0
        var atEnd = false
        /// Makes at least `count` bytes from `start` available, unless the file ends first.
        func fill(_ count: Int) throws -> Bool {
            while end - start < count && !atEnd {
                if start > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        guard let base = raw.baseAddress else { return }
                        base.copyMemory(from: base + start, byteCount: end - start)
                    }
                    bufferOffset += start
                    end -= start
                    start = 0
                }
                if buffer.count < count { buffer.append(contentsOf: repeatElement(0, count: count - buffer.count)) }
                let room = buffer.count - end
                let data: Data?
                do {
                    data = try handle.read(upToCount: max(room, 1))
                } catch {
                    throw fail(bufferOffset + end, "cannot read the file (\(error.localizedDescription))")
                }
                guard let data, !data.isEmpty else {
                    atEnd = true
                    break
                }
                buffer.withUnsafeMutableBytes { raw in
                    _ = data.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + data.count)]))
                }
                end += data.count
            }
            return end - start >= count
        }

        while true {
            let recordOffset = bufferOffset + start
            guard try fill(12) else {
                if end == start { return .complete }
                return try cutShort(at: recordOffset, fail: fail)
            }
            let (length, lengthMatches) = buffer.withUnsafeBytes { raw in
                let header = UnsafeRawBufferPointer(rebasing: raw[start..<(start + 8)])
                let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self))
                return (length, CRC32C.masked(CRC32C.checksum(header)) == stored)
            }
            guard lengthMatches else {
                if recordOffset == 0 {
                    throw TensorBoardImportError(path: path, message: "not a TensorBoard event file (it does not begin with a TFRecord header)")
                }
                throw fail(recordOffset, "the checksum of the record's length does not match: the file is corrupt")
            }
            // A length that fits the checksum but not in memory is still refused, not allocated.
            guard length <= UInt64(Int32.max) else {
                throw fail(recordOffset, "a record claims \(length) bytes, more than any event holds")
            }
            let total = 12 + Int(length) + 4
            guard recordOffset + total <= fileSize, try fill(total) else { return try cutShort(at: recordOffset, fail: fail) }
            let dataMatches = buffer.withUnsafeBytes { raw in
                let data = UnsafeRawBufferPointer(rebasing: raw[(start + 12)..<(start + 12 + Int(length))])
                let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 12 + Int(length), as: UInt32.self))
                return CRC32C.masked(CRC32C.checksum(data)) == stored
            }
            guard dataMatches else {
                throw fail(recordOffset, "the checksum of the record's \(length) data bytes does not match: the file is corrupt")
            }
            try buffer.withUnsafeBytes { raw in
                try body(UnsafeRawBufferPointer(rebasing: raw[(start + 12)..<(start + 12 + Int(length))]), recordOffset)
            }
            start += total
        }
    }

    /// The file ends inside the record at `offset`: a file still being written, or a truncated one.
    private func cutShort(at offset: Int, fail: (Int, String) -> TensorBoardImportError) throws -> Ending {
        if Self.isOpenForWriting(url) { return .stillBeingWritten(offset: offset) }
        if offset == 0 {
            throw TensorBoardImportError(path: path, message: "not a TensorBoard event file (shorter than its first record)")
        }
        throw fail(offset, "the file ends in the middle of a record: it is truncated (no program is writing it)")
    }

    /// Whether some process has the file open for writing (a training run still logging to it).
    ///
    /// Linux grants a read lease only while no process has the file open for writing; where
    /// leases are not available the answer is "no", so a cut-short file is reported, not skipped.
    static func isOpenForWriting(_ url: URL) -> Bool {
        #if os(Linux)
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let setLease: Int32 = 1024  // F_SETLEASE (Linux-specific; not exported to Swift)
        if fcntl(fd, setLease, Int32(F_RDLCK)) == 0 {
            _ = fcntl(fd, setLease, Int32(F_UNLCK))
            return false
        }
        return errno == EAGAIN
        #else
        return false
        #endif
    }
}
