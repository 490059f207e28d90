import Foundation

/// Writes files so that a reader never sees half of one.
///
/// The bytes go to a hidden temporary file in the destination's folder, which is
/// then renamed over the destination: on one file system a rename is atomic.
public enum AtomicFile {
    /// Writes `data` to `url`, replacing any existing file only once all bytes are on disk.
    public static func write(_ data: Data, to url: URL) throws {
        guard WriteGate.enter() else { throw CancellationError() }
        defer { WriteGate.leave() }
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FileWriteError(path: url.path, reason: Self.reason(error))
        }
    }

    /// Why `url` cannot be written as a file (its folder missing or read-only, or a folder in its place), or nil:
    /// checked before any work, so that a long job does not end on an unwritable path.
    public static func problem(writing url: URL) -> String? {
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            return "folder \(folder.path) does not exist"
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else { return "folder \(folder.path) is not writable" }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue { return "it is a folder" }
        return nil
    }

    static func reason(_ error: Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}

/// A file that could not be written, with the path and the system's reason.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Lets a process about to end at once (a second Ctrl-C) wait for the file writes in progress and
/// refuse new ones, so that what it removes stays removed.
public enum WriteGate {
    private static let condition = NSCondition()
    nonisolated(unsafe) private static var closed = false
    nonisolated(unsafe) private static var active = 0

    /// Admits one write; false once the gate is closed (the write must not happen).
    public static func enter() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if closed { return false }
        active += 1
        return true
    }

    /// Ends a write admitted by `enter()`.
    public static func leave() {
        condition.lock()
        active -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses every later write and waits until the writes in progress have ended.
    public static func closeAndWait() {
        condition.lock()
        closed = true
        while active > 0 { condition.wait() }
        condition.unlock()
    }
}
