import Foundation

/// A request to stop work early (Ctrl-C), set from one thread and read by the training threads.
///
/// Once the output is being committed (`beginCommit`), a request comes too late and is refused,
/// so a run is either stopped with nothing written or completed, never both.
///
/// A class because every run of an experiment must see the same flag; `lock` guards `state`.
public final class CancellationFlag: @unchecked Sendable {
    private enum State { case running, cancelled, committing }
    private let lock = NSLock()
    private var state = State.running

    public init() {}

    /// Whether `cancel()` has been called (and accepted).
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return state == .cancelled
    }

    /// Asks every reader to stop at its next check; false when the output is already being
    /// committed (the request comes too late and changes nothing).
    @discardableResult
    public func cancel() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if state == .committing { return false }
        state = .cancelled
        return true
    }

    /// Marks the start of the final move into place; false when a cancellation came first.
    public func beginCommit() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if state == .cancelled { return false }
        state = .committing
        return true
    }
}
