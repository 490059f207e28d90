import ArgumentParser
import GradientData
import VanishCommands

/// `vanish train SPEC_OR_PRESET`: train every network of a spec and write its history.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train every network of a spec and record every layer's gradients.",
        discussion: """
            Writes DIR/history.json and DIR/history.csv, both or neither. Built-in specs: see `vanish presets`.

            """ + ExitStatus.help)

    @Argument(help: "A spec file (JSON) or a built-in spec name (see `vanish presets`).")
    var specOrPreset: String

    @Option(name: .long, help: "Output folder (default: Reports/<spec name>).")
    var out: String?

    @Option(name: .long, parsing: .unconditional, help: "How many runs train at once (default: one per core).")
    var threads: Int?

    @Option(name: .long, parsing: .unconditional, help: "Train with this seed instead of the spec's seeds.")
    var seed: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Train only shard INDEX of COUNT (INDEX from 0, as SLURM_ARRAY_TASK_ID) and write a shard folder (default: Reports/<spec name>/shards/INDEX-of-COUNT); `vanish merge` joins the shards.",
        valueName: "INDEX/COUNT"))
    var shard: String?

    func run() throws {
        let request = TrainRequest(specOrPreset: specOrPreset, outputFolder: out, threads: threads, seed: seed)
        if let shard {
            try ShardCommandLine.train(request, shard: try Shard.parse(shard), quiet: false)
            return
        }
        let bar = TerminalProgress.isTerminal ? TerminalProgress(label: "training \(specOrPreset)") : nil
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar {
            progress = { done, total in bar.update(done: done, total: total) }
        }
        let interrupt = Interrupt()
        defer { interrupt.uninstall() }
        let result = try TrainExperiment.run(request, progress: progress, cancellation: interrupt.flag)
        for line in TrainExperiment.summary(result.history) { print(line) }
        print("wrote \(result.historyJSON.relativePath)")
        print("wrote \(result.historyCSV.relativePath)")
    }
}
