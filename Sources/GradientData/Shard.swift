/// One of `count` deterministic slices of a spec's runs: `--shard index/count`, index from 0 (as
/// Slurm's `SLURM_ARRAY_TASK_ID` and Kubernetes' `JOB_COMPLETION_INDEX` count).
///
/// Run k (in history order: networks, then seeds) belongs to shard `k % count`. Dealt round-robin
/// rather than cut in blocks, so that the costly runs of a sweep (the deepest networks, which sit
/// together in history order) spread over every shard instead of filling the last one.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// Which slice, from 0.
    public let index: Int
    /// How many slices the runs are dealt into.
    public let count: Int

    /// - Throws: `ShardError` unless `count` ≥ 1 and 0 ≤ `index` < `count`.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else {
            throw ShardError("--shard \(index)/\(count): the number of shards must be at least 1")
        }
        guard index >= 0, index < count else {
            throw ShardError("--shard \(index)/\(count): the shard index counts from 0 and must be below \(count) "
                + "(0 to \(count - 1), as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count)")
        }
        self.index = index
        self.count = count
    }

    /// Reads `i/n` (`--shard 2/8`).
    public static func parse(_ text: String) throws(ShardError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError("--shard takes INDEX/COUNT, such as 0/4 (the first of 4 shards), found '\(text.printable)'")
        }
        return try Shard(index: index, count: count)
    }

    /// The indices of this shard's runs among `total` runs, ascending: `index`, `index + count`, ….
    ///
    /// Empty when `index` ≥ `total` (more shards than runs): such a shard is valid, and holds no run.
    public func runIndices(of total: Int) -> [Int] {
        guard index < total else { return [] }
        return Array(stride(from: index, to: total, by: count))
    }

    /// `2/8`.
    public var description: String { "\(index)/\(count)" }

    /// `2-of-8`: the shard's default folder name.
    public var folderName: String { "\(index)-of-\(count)" }
}

/// A shard option, a shard folder or a set of shards that cannot be used, in one line.
public struct ShardError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
