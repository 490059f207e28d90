import Foundation

/// Values by key, shared by every thread and computed on first use; `lock` guards `entries`.
///
/// For results that depend on nothing but their key (text extents). Emptied
/// when it reaches `limit` entries, so it stays small however much a process draws.
final class SharedCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The value of `key`, from `make` the first time (a failure is thrown and not kept).
    ///
    /// Two threads asking for a new key at once may both make it; the values are equal.
    func value(_ key: Key, make: () throws -> Value) rethrows -> Value {
        lock.lock()
        let cached = entries[key]
        lock.unlock()
        if let cached { return cached }
        let value = try make()
        lock.lock()
        if entries.count >= limit { entries.removeAll() }
        entries[key] = value
        lock.unlock()
        return value
    }
}
