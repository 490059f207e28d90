import Foundation
import GradientData
import Graphics
import MLPTraining
import RecurrentTraining

/// What `vanish train` is asked to do.
public struct TrainRequest: Sendable {
    /// A spec file's path, or the name of a built-in spec (`ExperimentSpec.presets`).
    public var specOrPreset: String
    /// Where history.json and history.csv go; nil: `Reports/<spec name>/`.
    public var outputFolder: String?
    /// How many runs train at once; nil: one per core.
    public var threads: Int?
    /// Replaces the spec's seeds with this one.
    public var seed: Int?

    public init(specOrPreset: String, outputFolder: String? = nil, threads: Int? = nil, seed: Int? = nil) {
        self.specOrPreset = specOrPreset
        self.outputFolder = outputFolder
        self.threads = threads
        self.seed = seed
    }
}

/// A problem with `vanish train`'s input or options, worded for the user.
public struct TrainError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// What `vanish train` wrote.
public struct TrainResult: Sendable {
    public var history: GradientHistory
    public var historyJSON: URL
    public var historyCSV: URL
}

/// `vanish train`: read a spec, train every run, write history.json and history.csv.
public enum TrainExperiment {
    /// The spec a `vanish train` argument names: an existing file first, else a built-in spec.
    ///
    /// - Returns: the spec and the folder relative dataset paths start from.
    public static func resolveSpec(_ argument: String) throws -> (spec: ExperimentSpec, folder: URL?) {
        let url = URL(fileURLWithPath: argument)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            if isFolder.boolValue && ExperimentSpec.preset(named: argument) == nil {
                throw TrainError("\(argument): is a folder, not a spec file")
            }
            if !isFolder.boolValue {
                return (try ExperimentSpec.load(contentsOf: url), url.deletingLastPathComponent())
            }
        }
        if let preset = ExperimentSpec.preset(named: argument) {
            return (preset, nil)
        }
        let names = ExperimentSpec.presets.map(\.name)
        throw TrainError("no spec file '\(argument)' and no built-in spec of that name"
            + "\(NameSuggestion.hint(for: argument, among: names)) (built-in: \(names.joined(separator: ", ")))")
    }

    /// Everything checked before training starts: the spec, its data, its memory need, the options.
    public struct Plan: Sendable {
        public var spec: ExperimentSpec
        /// Where relative dataset paths start (the spec file's folder); nil for built-in specs.
        public var dataFolder: URL?
        public var threads: Int
        /// The output folder (not created yet).
        public var output: URL
        /// The first seed's data, loaded for checking and the report (training makes each seed's
        /// own when its run starts, so many seeds never hold every copy at once).
        public var data: [DataSplit]
        /// A recurrent spec's task data of every seed, in `spec.seeds` order (empty for an MLP spec).
        public var sequenceData: [SequenceData] = []
    }

    /// Reads and checks everything `request` names, so that no bad input is found after training.
    ///
    /// Loads the data of every seed (kept in the plan for training) to check that it reads, fills a
    /// batch, and that the spec fits in memory.
    public static func plan(_ request: TrainRequest) throws -> Plan {
        var (spec, folder) = try resolveSpec(request.specOrPreset)
        if let seed = request.seed {
            guard seed >= 0 else { throw TrainError("--seed must be 0 or more, found \(seed)") }
            spec = spec.withSeed(seed)
        }
        let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard threads >= 1 else { throw TrainError("--threads must be at least 1, found \(threads)") }
        let output = try request.outputFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? spec.defaultOutputFolder(source: request.specOrPreset)
        if let task = spec.task {
            try spec.checkRecurrentMemory(threads: threads, source: request.specOrPreset)
            let sequences = try spec.seeds.map { try SequenceData.load(task, seed: $0) }
            return Plan(spec: spec, dataFolder: folder, threads: threads, output: output, data: [], sequenceData: sequences)
        }
        // One seed's data first: the memory check must come before every seed's copy is loaded.
        let split = try spec.loadData(seed: spec.seeds.first ?? 0, relativeTo: folder)
        let examples = split.train.count + split.test.count
        var dataSource = request.specOrPreset
        if case .csv(let path, _) = spec.dataset { dataSource = path }
        try spec.checkBatches(trainCount: split.train.count, examples: examples, source: dataSource)
        // One class is nothing to learn: every network would "reach" 100 % by answering it.
        let labels = Set(split.train.labels).union(split.test.labels)
        if labels.count < 2 {
            throw TrainError("\(dataSource): every example has the label \(labels.first.map(String.init) ?? "-"); "
                + "a classifier needs at least two classes")
        }
        try spec.checkMemory(
            inputCount: split.train.featureCount, classCount: max(split.train.classCount, split.test.classCount),
            trainCount: split.train.count, threads: threads, source: request.specOrPreset)
        return Plan(spec: spec, dataFolder: folder, threads: threads, output: output, data: [split])
    }

    /// Trains every run of `plan` (or those of `runIndices`, a shard's); Ctrl-C (`cancellation`)
    /// becomes `Interrupted` naming `notWritten`.
    public static func train(
        _ plan: Plan, progress: (@Sendable (Int, Int) -> Void)? = nil, runFinished: (@Sendable (Int, Int) -> Void)? = nil,
        cancellation: CancellationFlag? = nil, notWritten: [URL], runIndices: [Int]? = nil
    ) throws -> GradientHistory {
        do {
            if plan.spec.isRecurrent {
                return try RecurrentExperiment.run(plan.spec, threads: plan.threads, data: plan.sequenceData, progress: progress,
                                                   runFinished: runFinished, cancellation: cancellation, runIndices: runIndices)
            }
            return try Experiment.run(plan.spec, threads: plan.threads, dataFolder: plan.dataFolder, data: plan.data.count == plan.spec.seeds.count ? plan.data : nil, progress: progress,
                                      runFinished: runFinished, cancellation: cancellation, runIndices: runIndices)
        } catch is CancellationError {
            throw Interrupted(folder: plan.output.relativePath, notWritten: notWritten)
        }
    }

    /// Trains what `request` names and writes the history files, each atomically.
    ///
    /// - Parameters:
    ///   - progress: receives (steps done, steps in all) from worker threads.
    ///   - runFinished: receives (runs done, runs in all) as each run ends.
    ///   - cancellation: once set (Ctrl-C), training stops, nothing is written and this throws `Interrupted`.
    public static func run(
        _ request: TrainRequest, progress: (@Sendable (Int, Int) -> Void)? = nil,
        runFinished: (@Sendable (Int, Int) -> Void)? = nil, cancellation: CancellationFlag? = nil
    ) throws -> TrainResult {
        let plan = try plan(request)
        let output = try StagedOutput.prepare(plan.output, files: historyFiles)
        do {
            let history = try train(plan, progress: progress, runFinished: runFinished, cancellation: cancellation,
                                    notWritten: historyFiles.map { plan.output.appendingPathComponent($0) })
            let staged = try writeHistory(history, into: output)
            let written = try output.commit(staged, cancellation: cancellation)
            return TrainResult(history: history, historyJSON: written[0], historyCSV: written[1])
        } catch {
            output.discard()
            throw error
        }
    }

    /// The files `writeHistory` writes, in order.
    public static let historyFiles = ["history.json", "history.csv"]

    /// Writes history.json and history.csv into the staging folder; returns their staged locations.
    public static func writeHistory(_ history: GradientHistory, into output: StagedOutput) throws -> [URL] {
        let json = output.url(historyFiles[0])
        let csv = output.url(historyFiles[1])
        // Both texts are formatted at once (each is mostly number formatting), then written in order.
        let texts = Concurrently.map(2) { $0 == 0 ? history.jsonData() : history.csvData() }
        try AtomicFile.write(texts[0], to: json)
        try AtomicFile.write(texts[1], to: csv)
        return [json, csv]
    }

    /// One line per run: final loss, last test accuracy, first/last gradient ratio at step 0, divergence.
    public static func summary(_ history: GradientHistory) -> [String] {
        history.runs.map { run in
            let loss = run.loss.last.map { NumberText.fixed(Double($0), digits: 4) } ?? "-"
            let accuracy = run.testAccuracy.last.map { NumberText.fixed(Double($0), digits: 3) } ?? "-"
            var ratio = "-"
            if let first = run.stats.weightGradNorm.first, let input = first.first, let output = first.last {
                ratio = NumberText.scientific(Double(input / output))
            }
            let diverged = run.diverged.map { ", diverged at step \($0)" } ?? ""
            return "\(run.network) (seed \(run.seed)): loss \(loss), test accuracy \(accuracy), "
                + "step-0 gradient first/last \(ratio)\(diverged)"
        }
    }
}

/// Draws a one-line progress bar on a terminal, at most once per percent.
public final class TerminalProgress: @unchecked Sendable {
    // `lastPercent` is read and written under `lock`.
    private let lock = NSLock()
    private var lastPercent = -1
    private let label: String

    public init(label: String) {
        self.label = label
    }

    /// True when standard error is a terminal (progress is drawn only there).
    public static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    public func update(done: Int, total: Int) {
        let percent = total > 0 ? done * 100 / total : 100
        lock.lock()
        defer { lock.unlock() }
        guard percent != lastPercent else { return }
        lastPercent = percent
        let line = "\r\(label): \(done)/\(total) steps (\(percent)%)" + (done >= total ? "\n" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }
}
