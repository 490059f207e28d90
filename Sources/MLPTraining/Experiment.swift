import Foundation
import GradientData

/// Runs every (network, seed) of a spec, in parallel, and gathers the history.
public enum Experiment {
    /// Trains every network with every seed and returns the history, runs in spec order
    /// (networks, then seeds), whatever order they finish in.
    ///
    /// - Parameters:
    ///   - threads: how many runs train at once (at least 1); the result does not depend on it.
    ///   - dataFolder: where relative CSV dataset paths start (the spec file's folder).
    ///   - data: the data of every seed in `spec.seeds` order (`ExperimentSpec.loadAllData`), when the
    ///     caller has loaded it already; nil: loaded here.
    ///   - progress: called from worker threads with (steps done, steps in all).
    ///   - runFinished: called from worker threads with (runs done, runs in all) as each run ends.
    ///   - cancellation: checked at every step; once set, runs stop and this throws `CancellationError`.
    ///   - runIndices: train only these runs (ascending indices in history order, a shard's); nil: all.
    public static func run(
        _ spec: ExperimentSpec, threads: Int, dataFolder: URL? = nil, data: [DataSplit]? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil, runFinished: (@Sendable (Int, Int) -> Void)? = nil,
        cancellation: CancellationFlag? = nil, runIndices: [Int]? = nil
    ) throws -> GradientHistory {
        try spec.validate(source: spec.name)
        configureBLAS()
        // Each run makes its seed's data when it starts, so many seeds never hold every copy at once.
        let source = try ExperimentSpec.SeedData(spec, relativeTo: dataFolder)
        precondition(data == nil || data?.count == spec.seeds.count, "data must hold one split per seed")
        let first = try data?.first ?? source.split(seed: spec.seeds.first ?? 0)
        var jobs: [(networkIndex: Int, seedIndex: Int, settings: RunSettings)] = []
        for networkIndex in spec.expandedNetworks.indices {
            for (seedIndex, seed) in spec.seeds.enumerated() {
                // Every seed's split has the same size: the first one's sets every run's steps.
                let settings = spec.settings(networkIndex: networkIndex, seed: seed, trainCount: first.train.count)
                jobs.append((networkIndex, seedIndex, settings))
            }
        }
        if let runIndices { jobs = runIndices.map { jobs[$0] } }
        let total = jobs.reduce(0) { $0 + $1.settings.steps }
        let board = RunBoard(count: jobs.count, totalSteps: total, progress: progress, runFinished: runFinished)
        let workers = max(1, min(threads, jobs.count))
        let frozenJobs = jobs
        let failure = FirstError()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while cancellation?.isCancelled != true, !failure.isSet, let index = board.nextJob() {
                let job = frozenJobs[index]
                let split: DataSplit
                do {
                    split = try data?[job.seedIndex] ?? source.split(seed: spec.seeds[job.seedIndex])
                } catch {
                    failure.set(error)
                    return
                }
                let history = TrainingRun.train(
                    settings: job.settings, networkIndex: job.networkIndex, data: split,
                    progress: { board.advance(by: $0) }, cancellation: cancellation)
                board.store(history, at: index)
            }
        }
        if let error = failure.error { throw error }
        if cancellation?.isCancelled == true { throw CancellationError() }
        return GradientHistory(spec: spec, runs: board.results())
    }
}

/// The first error any worker met; later ones are dropped.
final class FirstError: @unchecked Sendable {
    // Read and written under `lock`.
    private let lock = NSLock()
    private var stored: Error?

    var isSet: Bool { error != nil }
    var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func set(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if stored == nil { stored = error }
    }
}

/// The shared state of a parallel experiment: the next job, the finished runs by index, progress.
///
/// Results are stored by job index, so the history does not depend on which thread finished first.
public final class RunBoard: @unchecked Sendable {
    // Every field is read and written under `lock`.
    private let lock = NSLock()
    private var next = 0
    private var slots: [RunHistory?]
    private var done = 0
    private let totalSteps: Int
    private let progress: (@Sendable (Int, Int) -> Void)?
    private var finished = 0
    private let runFinished: (@Sendable (Int, Int) -> Void)?

    public init(count: Int, totalSteps: Int, progress: (@Sendable (Int, Int) -> Void)?, runFinished: (@Sendable (Int, Int) -> Void)?) {
        slots = Array(repeating: nil, count: count)
        self.totalSteps = totalSteps
        self.progress = progress
        self.runFinished = runFinished
    }

    public func nextJob() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    public func store(_ history: RunHistory, at index: Int) {
        lock.lock()
        slots[index] = history
        finished += 1
        let done = finished
        lock.unlock()
        runFinished?(done, slots.count)
    }

    public func advance(by steps: Int) {
        lock.lock()
        done += steps
        let now = done
        lock.unlock()
        progress?(now, totalSteps)
    }

    public func results() -> [RunHistory] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
