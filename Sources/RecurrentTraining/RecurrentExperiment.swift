import Foundation
import GradientData
import MLPTraining

/// Runs every (network, seed) of a recurrent spec, in parallel, and gathers the history.
public enum RecurrentExperiment {
    /// Trains every network with every seed; runs in spec order (networks, then seeds), whatever
    /// order they finish in, so the history is the same for any `threads`.
    ///
    /// - Parameters:
    ///   - data: the task's data for every seed in `spec.seeds` order; nil: loaded here.
    ///   - progress: called from worker threads with (steps done, steps in all).
    ///   - runFinished: called from worker threads with (runs done, runs in all).
    ///   - cancellation: checked at every step; once set, runs stop and this throws `CancellationError`.
    ///   - runIndices: train only these runs (ascending indices in history order, a shard's); nil: all.
    public static func run(
        _ spec: ExperimentSpec, threads: Int, data: [SequenceData]? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil, runFinished: (@Sendable (Int, Int) -> Void)? = nil,
        cancellation: CancellationFlag? = nil, runIndices: [Int]? = nil
    ) throws -> GradientHistory {
        try spec.validate(source: spec.name)
        guard let task = spec.task else { preconditionFailure("a recurrent experiment needs a task") }
        configureBLAS()
        let perSeed = try data ?? spec.seeds.map { try SequenceData.load(task, seed: $0) }
        precondition(perSeed.count == spec.seeds.count, "data must hold one entry per seed")
        var jobs: [(networkIndex: Int, seedIndex: Int, settings: RunSettings)] = []
        for networkIndex in spec.networks.indices {
            for (seedIndex, seed) in spec.seeds.enumerated() {
                let trainCount = perSeed[seedIndex].train?.count ?? SequenceTask.addingTrainCount
                jobs.append((networkIndex, seedIndex, spec.settings(networkIndex: networkIndex, seed: seed, trainCount: trainCount)))
            }
        }
        if let runIndices { jobs = runIndices.map { jobs[$0] } }
        let board = RunBoard(count: jobs.count, totalSteps: jobs.reduce(0) { $0 + $1.settings.steps },
                             progress: progress, runFinished: runFinished)
        let frozenJobs = jobs
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, jobs.count))) { _ in
            while cancellation?.isCancelled != true, let index = board.nextJob() {
                let job = frozenJobs[index]
                let history = RecurrentRun.train(
                    settings: job.settings, networkIndex: job.networkIndex, data: perSeed[job.seedIndex],
                    progress: { board.advance(by: $0) }, cancellation: cancellation)
                board.store(history, at: index)
            }
        }
        if cancellation?.isCancelled == true { throw CancellationError() }
        return GradientHistory(spec: spec, runs: board.results())
    }
}
