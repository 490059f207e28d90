import Foundation

/// The built `vanish` binary, run as a user or a CI script would run it.
public enum VanishExecutable {
    /// What one run of `vanish` gave.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `vanish` executable next to the test bundle (both live in .build/<configuration>/).
    public static func url() throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("vanish")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue {
                return candidate
            }
            folder.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "no vanish binary near \(CommandLine.arguments[0])"])
    }

    /// Starts `vanish arguments` in `folder`, with its output collected by `finish`.
    public static func start(_ arguments: [String], in folder: URL? = nil) throws -> Running {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    /// Runs `vanish arguments` in `folder` to the end.
    public static func run(_ arguments: [String], in folder: URL? = nil) throws -> Outcome {
        try start(arguments, in: folder).finish()
    }

    /// A `vanish` process that has been started.
    public struct Running {
        public let process: Process
        let out: Pipe
        let err: Pipe

        /// Waits for the end and returns the exit status and everything it printed.
        public func finish() -> Outcome {
            // Read both pipes while it runs, so a full pipe never blocks it.
            let group = DispatchGroup()
            let box = OutputBox()
            for (index, pipe) in [out, err].enumerated() {
                group.enter()
                DispatchQueue.global().async {
                    box.set(index, pipe.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
            }
            group.wait()
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, stdout: box.text(0), stderr: box.text(1))
        }
    }

    /// The two output streams, filled from two threads; `lock` guards `data`.
    private final class OutputBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = [Data(), Data()]

        func set(_ index: Int, _ value: Data) {
            lock.lock()
            data[index] = value
            lock.unlock()
        }

        func text(_ index: Int) -> String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data[index], as: UTF8.self)
        }
    }

    /// Every file and folder under `folder`, relative and sorted (hidden ones included); [] if it does not exist.
    public static func contents(of folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.sorted()
    }
}
