import Foundation
import GradientData
import MLPTraining

/// What `vanish run --shard` and `vanish train --shard` wrote.
public struct ShardResult: Sendable {
    public var manifest: ShardManifest
    /// The shard's runs.
    public var history: GradientHistory
    /// history.json and shard.json, where they now are.
    public var written: [URL]

    /// One line on what the shard holds: `shard 1/3 of quick: 2 of 5 runs (tanh (seed 0), …)`.
    public var summary: String {
        let manifest = self.manifest
        guard !manifest.runs.isEmpty else {
            return "shard \(manifest.shard) of \(manifest.specName): no run (the spec has \(manifest.runsInSpec) "
                + "run\(manifest.runsInSpec == 1 ? "" : "s"), fewer than \(manifest.shard.count) shards); an empty shard, which merge accepts"
        }
        let names = manifest.runs.prefix(4).map(\.description).joined(separator: ", ") + (manifest.runs.count > 4 ? ", …" : "")
        return "shard \(manifest.shard) of \(manifest.specName): \(manifest.runs.count) of \(manifest.runsInSpec) runs (\(names))"
    }
}

extension TrainExperiment {
    /// The files a shard folder holds: the shard's runs and what merge checks before reading them.
    public static let shardFiles = ["history.json", ShardManifest.fileName]

    /// Trains the runs of `shard` (`--shard i/n`) and writes its shard folder: history.json (the
    /// whole spec, only this shard's runs) and shard.json. No report: `vanish merge` writes it from
    /// every shard.
    ///
    /// Everything is checked as for a whole run first. The folder defaults to
    /// `Reports/<spec name>/shards/<i>-of-<n>/`; run again, the shard replaces its own files there
    /// (a retried task). More shards than runs leave the last ones empty, which is valid.
    public static func runShard(
        _ request: TrainRequest, shard: Shard, progress: (@Sendable (Int, Int) -> Void)? = nil,
        runFinished: (@Sendable (Int, Int) -> Void)? = nil, cancellation: CancellationFlag? = nil
    ) throws -> ShardResult {
        var plan = try plan(request)
        if request.outputFolder == nil {
            plan.output = plan.output.appendingPathComponent("shards", isDirectory: true)
                .appendingPathComponent(shard.folderName, isDirectory: true)
        }
        let manifest = ShardManifest(shard: shard, spec: plan.spec, kernel: MatrixKernel.identity,
                                     data: RunReport.dataSummary(plan.spec, split: plan.data.first))
        let output = try StagedOutput.prepare(plan.output, files: shardFiles)
        do {
            let history = try train(plan, progress: progress, runFinished: runFinished, cancellation: cancellation,
                                    notWritten: shardFiles.map { plan.output.appendingPathComponent($0) },
                                    runIndices: manifest.runs.map(\.index))
            let historyURL = output.url(shardFiles[0])
            let manifestURL = output.url(shardFiles[1])
            try AtomicFile.write(history.jsonData(), to: historyURL)
            try AtomicFile.write(manifest.jsonData(), to: manifestURL)
            let written = try output.commit([historyURL, manifestURL], cancellation: cancellation)
            return ShardResult(manifest: manifest, history: history, written: written)
        } catch is CancellationError {
            output.discard()
            throw Interrupted(folder: plan.output.relativePath, notWritten: shardFiles.map { plan.output.appendingPathComponent($0) })
        } catch {
            output.discard()
            throw error
        }
    }
}
