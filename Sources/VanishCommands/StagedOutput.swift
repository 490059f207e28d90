import Foundation
import GradientData

/// An output folder that receives all of its new files at once, or none.
///
/// Files are written into a hidden staging folder inside the destination and renamed into place by
/// `commit()`; `discard()` removes the staging folder (and the destination, if this created it and
/// it is still empty). So an error or a signal halfway leaves the destination as it was.
///
/// Beside the staging folder a lock file, locked with `flock` for as long as this process runs,
/// tells a later run that the folder is still being written: staging folders whose lock is free
/// (their run died) are removed by the next `prepare` in the same destination, the others never.
/// The destination keeps a list of the files vanish wrote there (`manifestName`); a commit removes
/// those the new run no longer writes, and only those.
public struct StagedOutput: Sendable {
    /// Where the files end up.
    public let destination: URL
    /// Where they are written first.
    public let staging: URL
    /// Folders this created (the destination and any missing parents), deepest first.
    let createdFolders: [URL]

    /// The name prefix of staging folders: hidden, and named after what they are.
    public static let stagingPrefix = ".vanish-partial-"
    /// The list of the files the last run wrote into its folder, one relative path a line.
    public static let manifestName = ".vanish-files"

    /// The lock file of `staging`.
    var lockFile: URL { Self.lockFile(of: staging) }

    static func lockFile(of staging: URL) -> URL {
        staging.deletingLastPathComponent().appendingPathComponent(staging.lastPathComponent + ".lock")
    }

    /// Creates the destination if needed and checks it can be written, before any work starts.
    ///
    /// - Parameters:
    ///   - subfolders: folders inside the destination that files will go to (`figures`):
    ///     one that exists as a file is refused now rather than after the work.
    ///   - files: files the work will write (`history.json`): one that exists as a folder is refused now.
    /// - Throws: `OutputError` naming the folder and the system's reason.
    public static func prepare(_ destination: URL, subfolders: [String] = [], files: [String] = []) throws -> StagedOutput {
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
        for name in subfolders {
            let sub = folder.appendingPathComponent(name)
            if manager.fileExists(atPath: sub.path, isDirectory: &isFolder), !isFolder.boolValue {
                throw OutputError("cannot write into output folder \(folder.relativePath): \(sub.relativePath) is a file, not a folder")
            }
        }
        for name in files where isDirectory(folder.appendingPathComponent(name)) {
            throw OutputError("cannot write into output folder \(folder.relativePath): \(folder.appendingPathComponent(name).relativePath) is a folder, not a file")
        }
        guard WriteGate.enter() else { throw CancellationError() }
        defer { WriteGate.leave() }
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create output folder \(folder.relativePath): \(Self.reason(error))")
        }
        if created.isEmpty { removeStaleStaging(in: folder) }
        let staging = folder.appendingPathComponent(
            stagingPrefix + "\(getpid())-" + UUID().uuidString, isDirectory: true)
        let output = StagedOutput(destination: folder, staging: staging, createdFolders: created)
        // The lock first, then the folder: a staging folder without a held lock is never a live one.
        let descriptor = open(output.lockFile.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if descriptor < 0 || flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            output.discard()
            throw OutputError("cannot write into output folder \(folder.relativePath): \(reason)")
        }
        openOutputs.add(output, lock: descriptor)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            output.discard()
            throw OutputError("cannot write into output folder \(folder.relativePath): \(Self.reason(error))")
        }
        return output
    }

    /// Removes the staging folders (and lock files) in `folder` left by runs that died: those whose
    /// lock no process holds. A folder whose lock is held belongs to a live run and is left alone.
    static func removeStaleStaging(in folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(stagingPrefix) && !name.hasSuffix(".lock") {
            let staging = folder.appendingPathComponent(name)
            let lock = lockFile(of: staging)
            let descriptor = open(lock.path, O_RDWR | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                // Held: a live run writes there.
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
                try? FileManager.default.removeItem(at: staging)
                unlink(lock.path)
            } else if errno == ENOENT {
                // No lock file: its run died (a live run creates its lock before its folder).
                try? FileManager.default.removeItem(at: staging)
            }
        }
        // Lock files whose folder is gone and whose lock is free.
        for name in names where name.hasPrefix(stagingPrefix) && name.hasSuffix(".lock") {
            let lock = folder.appendingPathComponent(name)
            let descriptor = open(lock.path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            let staging = String(name.dropLast(".lock".count))
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0, !FileManager.default.fileExists(atPath: folder.appendingPathComponent(staging).path) {
                unlink(lock.path)
            }
        }
    }

    /// The outputs prepared and neither committed nor discarded, for `discardAll`.
    private static let openOutputs = OpenOutputs()

    /// Discards every output still open: for a process about to end at once (a second Ctrl-C).
    public static func discardAll() {
        for output in openOutputs.all() { output.discard() }
        for folder in openOutputs.scratchFolders() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Lets the writes in progress end, refuses new ones, then discards every open output and
    /// scratch folder: what a process does just before it ends at once.
    public static func stopAllWritingAndDiscard() {
        WriteGate.closeAndWait()
        discardAll()
    }

    /// Registers a temporary folder (`vanish bench`'s) to be removed if the process is stopped at once.
    public static func registerScratch(_ folder: URL) { openOutputs.addScratch(folder) }

    /// Forgets a scratch folder that its owner removed.
    public static func unregisterScratch(_ folder: URL) { openOutputs.removeScratch(folder) }

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

    /// The path of `url` relative to the staging folder, or nil when it lies outside.
    func relativePath(_ url: URL) -> String? {
        let path = url.standardizedFileURL.path
        let prefix = staging.standardizedFileURL.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    /// Moves the staged files into the destination, replacing files of the same names, removes the
    /// files an earlier run wrote there that this one does not (from the manifest) and the staging
    /// folder; returns the final locations, in the order given.
    ///
    /// All or nothing: every target is checked first, and when a move fails every file moved so far
    /// is put back, so the destination holds what it held before.
    ///
    /// - Parameter cancellation: a signal that came first stops the commit (nothing is moved); one
    ///   that comes once the commit has begun is too late and is ignored.
    public func commit(_ files: [URL], cancellation: CancellationFlag? = nil) throws -> [URL] {
        if let cancellation, !cancellation.beginCommit() {
            discard()
            throw Interrupted(folder: destination.relativePath, notWritten: files.map { destination(of: $0) })
        }
        do {
            return try moveIntoPlace(files)
        } catch let error as OutputError {
            discard()
            throw error
        } catch {
            discard()
            throw OutputError("cannot write into output folder \(destination.relativePath): \(Self.reason(error))")
        }
    }

    private func moveIntoPlace(_ files: [URL]) throws -> [URL] {
        let manager = FileManager.default
        let relative = files.compactMap(relativePath)
        // Every target is checked before anything moves: a folder where a file goes stops it all.
        for (file, path) in zip(files, relative) {
            let target = destination(of: file)
            if Self.isDirectory(target) {
                throw OutputError("cannot write \(path) into \(destination.relativePath): \(target.relativePath) is a folder, not a file")
            }
        }
        let previous = Self.readManifest(in: destination)
        let written = Set(relative)
        let stale = previous.filter { !written.contains($0) && Self.isRegularFile(destination.appendingPathComponent($0)) }
        // The new manifest is staged and moved like any other file.
        let manifest = staging.appendingPathComponent(Self.manifestName)
        try AtomicFile.write(Data((relative.joined(separator: "\n") + "\n").utf8), to: manifest)

        let backup = staging.appendingPathComponent(".replaced", isDirectory: true)
        var undo: [() -> Void] = []
        func rollBack() { for step in undo.reversed() { step() } }
        func moveAside(_ target: URL, as name: String) throws {
            let saved = backup.appendingPathComponent(name)
            try manager.createDirectory(at: saved.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard rename(target.path, saved.path) == 0 else {
                throw OutputError("cannot replace \(target.relativePath): \(String(cString: strerror(errno)))")
            }
            undo.append { _ = rename(saved.path, target.path) }
        }
        do {
            for (k, file) in (files + [manifest]).enumerated() {
                let target = destination(of: file)
                let parent = target.deletingLastPathComponent()
                if !manager.fileExists(atPath: parent.path) {
                    try manager.createDirectory(at: parent, withIntermediateDirectories: true)
                    undo.append { _ = rmdir(parent.path) }
                }
                if Self.exists(target) { try moveAside(target, as: "\(k)") }
                guard rename(file.path, target.path) == 0 else {
                    throw OutputError("cannot move \(file.lastPathComponent) into \(parent.path): \(String(cString: strerror(errno)))")
                }
                undo.append { _ = rename(target.path, file.path) }
            }
            for (k, path) in stale.enumerated() {
                try moveAside(destination.appendingPathComponent(path), as: "stale-\(k)")
            }
        } catch {
            rollBack()
            throw error
        }
        try? manager.removeItem(at: staging)
        release()
        return files.map { destination(of: $0) }
    }

    /// The files the last run listed in `folder`'s manifest: relative paths inside it only.
    static func readManifest(in folder: URL) -> [String] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(manifestName)) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { path in
            // A list someone edited never points outside the folder or at vanish's own files.
            !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." || $0.isEmpty }
                && !path.hasPrefix(stagingPrefix) && path != manifestName
        }
    }

    /// Removes the staging folder, its lock and every folder `prepare` created that is still empty.
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
        release()
        for folder in createdFolders {
            // Only an empty folder goes: never anything someone else put there meanwhile.
            if (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: folder)
            }
        }
    }

    /// Removes the lock file and releases the lock.
    private func release() {
        unlink(lockFile.path)
        if let descriptor = Self.openOutputs.remove(self) { close(descriptor) }
    }

    static func exists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    static func isDirectory(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
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

/// The staged outputs of this process that are still open, with their lock descriptors, and its
/// scratch folders; `lock` guards both lists.
private final class OpenOutputs: @unchecked Sendable {
    private let lock = NSLock()
    private var outputs: [(output: StagedOutput, descriptor: Int32)] = []
    private var scratch: [URL] = []

    func add(_ output: StagedOutput, lock descriptor: Int32) {
        lock.lock()
        outputs.append((output, descriptor))
        lock.unlock()
    }

    /// Forgets `output`; returns its lock descriptor the first time.
    func remove(_ output: StagedOutput) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        guard let index = outputs.firstIndex(where: { $0.output.staging == output.staging }) else { return nil }
        return outputs.remove(at: index).descriptor
    }

    func all() -> [StagedOutput] {
        lock.lock()
        defer { lock.unlock() }
        return outputs.map(\.output)
    }

    func addScratch(_ folder: URL) {
        lock.lock()
        scratch.append(folder)
        lock.unlock()
    }

    func removeScratch(_ folder: URL) {
        lock.lock()
        scratch.removeAll { $0 == folder }
        lock.unlock()
    }

    func scratchFolders() -> [URL] {
        lock.lock()
        defer { lock.unlock() }
        return scratch
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
