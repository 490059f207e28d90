import Foundation

/// A request to stop work early (Ctrl-C), set from one thread and read by the training threads.
///
/// A class because every run of an experiment must see the same flag; `lock` guards `cancelled`.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Whether `cancel()` has been called.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Asks every reader to stop at its next check; calling it again changes nothing.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }
}
