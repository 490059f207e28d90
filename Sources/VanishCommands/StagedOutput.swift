import Foundation
import GradientData

/// An output folder that receives all of its new files at once, or none.
///
/// Files are written into a hidden staging folder inside the destination and renamed into place by
/// `commit()`; `discard()` removes the staging folder (and the destination, if this created it and
/// it is still empty). So an error or Ctrl-C halfway leaves no new file in the destination.
public struct StagedOutput: Sendable {
    /// Where the files end up.
    public let destination: URL
    /// Where they are written first.
    public let staging: URL
    /// Folders this created (the destination and any missing parents), deepest first.
    let createdFolders: [URL]

    /// The name prefix of staging folders: hidden, and named after what they are.
    public static let stagingPrefix = ".vanish-partial-"

    /// Creates the destination if needed and checks it can be written, before any work starts.
    ///
    /// - Parameter subfolders: folders inside the destination that files will go to (`figures`):
    ///   one that exists as a file is refused now rather than after the work.
    /// - Throws: `OutputError` naming the folder and the system's reason.
    public static func prepare(_ destination: URL, subfolders: [String] = []) throws -> StagedOutput {
        let folder = destination
        var created: [URL] = []
        var probe = folder.standardizedFileURL
        let manager = FileManager.default
        while !manager.fileExists(atPath: probe.path) && probe.path != "/" {
            created.append(probe)
            probe.deleteLastPathComponent()
        }
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: probe.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw OutputError("cannot create output folder \(folder.relativePath): \(probe.path) is a file")
        }
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create output folder \(folder.relativePath): \(Self.reason(error))")
        }
        for name in subfolders {
            let sub = folder.appendingPathComponent(name)
            if manager.fileExists(atPath: sub.path, isDirectory: &isFolder), !isFolder.boolValue {
                throw OutputError("cannot write into output folder \(folder.relativePath): \(sub.relativePath) is a file, not a folder")
            }
        }
        let staging = folder.appendingPathComponent(stagingPrefix + UUID().uuidString, isDirectory: true)
        let output = StagedOutput(destination: folder, staging: staging, createdFolders: created)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            output.discard()
            throw OutputError("cannot write into output folder \(folder.relativePath): \(Self.reason(error))")
        }
        openOutputs.add(output)
        return output
    }

    /// The outputs prepared and neither committed nor discarded, for `discardAll`.
    private static let openOutputs = OpenOutputs()

    /// Discards every output still open: for a process about to end at once (a second Ctrl-C).
    public static func discardAll() {
        for output in openOutputs.all() { output.discard() }
    }

    /// The staging location of `relativePath` (`figures/heatmap.png`).
    public func url(_ relativePath: String) -> URL {
        staging.appendingPathComponent(relativePath)
    }

    /// Where the staged file at `url` ends up.
    public func destination(of url: URL) -> URL {
        let path = url.standardizedFileURL.path
        let prefix = staging.standardizedFileURL.path + "/"
        guard path.hasPrefix(prefix) else { return url }
        return destination.appendingPathComponent(String(path.dropFirst(prefix.count)))
    }

    /// Moves the staged files into the destination, replacing files of the same names, and
    /// removes the staging folder; returns the final locations, in the order given.
    ///
    /// - Parameter cancellation: checked first: once it is set, nothing is moved.
    public func commit(_ files: [URL], cancellation: CancellationFlag? = nil) throws -> [URL] {
        if cancellation?.isCancelled == true {
            discard()
            throw Interrupted(folder: destination.relativePath, notWritten: files.map { destination(of: $0) })
        }
        var moved: [URL] = []
        do {
            for file in files {
                let target = destination(of: file)
                let parent = target.deletingLastPathComponent()
                if !FileManager.default.fileExists(atPath: parent.path) {
                    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
                }
                if rename(file.path, target.path) != 0 {
                    throw OutputError("cannot move \(file.lastPathComponent) into \(parent.path): \(String(cString: strerror(errno)))")
                }
                moved.append(target)
            }
        } catch let error as OutputError {
            discard()
            throw error
        } catch {
            discard()
            throw OutputError("cannot write into output folder \(destination.relativePath): \(Self.reason(error))")
        }
        try? FileManager.default.removeItem(at: staging)
        Self.openOutputs.remove(self)
        return moved
    }

    /// Removes the staging folder and every folder `prepare` created that is still empty.
    public func discard() {
        Self.openOutputs.remove(self)
        try? FileManager.default.removeItem(at: staging)
        for folder in createdFolders {
            // Only an empty folder goes: never anything someone else put there meanwhile.
            if (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: folder)
            }
        }
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if nsError.code == CocoaError.fileWriteNoPermission.rawValue { return String(cString: strerror(EACCES)) }
        return nsError.localizedDescription
    }
}

/// The staged outputs of this process that are still open; `lock` guards `outputs`.
private final class OpenOutputs: @unchecked Sendable {
    private let lock = NSLock()
    private var outputs: [StagedOutput] = []

    func add(_ output: StagedOutput) {
        lock.lock()
        outputs.append(output)
        lock.unlock()
    }

    func remove(_ output: StagedOutput) {
        lock.lock()
        outputs.removeAll { $0.staging == output.staging }
        lock.unlock()
    }

    func all() -> [StagedOutput] {
        lock.lock()
        defer { lock.unlock() }
        return outputs
    }
}

/// An output folder that cannot be created or written, worded for the user.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Work stopped by Ctrl-C: nothing was written; says which files were not.
public struct Interrupted: Error, CustomStringConvertible, Sendable {
    /// The output folder that received nothing.
    public var folder: String
    /// The files that would have been written, if known.
    public var notWritten: [URL]

    public init(folder: String, notWritten: [URL] = []) {
        self.folder = folder
        self.notWritten = notWritten
    }

    public var description: String {
        var names = notWritten.map { url -> String in
            let path = url.standardizedFileURL.path
            let prefix = URL(fileURLWithPath: folder).standardizedFileURL.path + "/"
            return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
        }
        if names.count > 6 { names = Array(names.prefix(5)) + ["\(names.count - 5) more"] }
        let list = names.isEmpty ? "" : " (" + names.joined(separator: ", ") + " not written)"
        return "interrupted: nothing was written to \(folder)\(list)"
    }
}
