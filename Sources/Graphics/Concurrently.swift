import Dispatch
import Foundation

/// Runs independent jobs on every core and returns their results in job order.
public enum Concurrently {
    /// `job(i)` for every `i` in `0..<count`, run by `DispatchQueue.concurrentPerform`.
    ///
    /// The results do not depend on how many threads ran the jobs or in what order they finished.
    public static func map<Value>(_ count: Int, _ job: @Sendable (Int) -> Value) -> [Value] {
        let results = Slots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in results.set(i, job(i)) }
        return results.values()
    }

    /// Values that concurrent jobs fill in by index; `lock` guards `slots`.
    final class Slots<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Value?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Value) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        /// Every job's value; called after all jobs have finished.
        func values() -> [Value] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
