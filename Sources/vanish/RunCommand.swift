import ArgumentParser
import Foundation
import GradientData
import TensorBoardImport
import VanishCommands

/// `vanish run SPEC_OR_PRESET`: train, draw every figure and write the report folder.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train a spec's networks and write the report: report.pdf, figures, history.",
        discussion: """
            Writes DIR/report.pdf, DIR/figures/*.png (and .svg on request), DIR/history.json and \
            DIR/history.csv, then lists them. Everything is checked before training (spec, data, \
            memory, output folder); files are written into a hidden folder inside DIR and moved into \
            place at the end, so an error or Ctrl-C leaves no new file. Built-in specs: see `vanish presets`.

            """ + ExitStatus.help)

    @Argument(help: "A spec file (JSON) or a built-in spec name (default: zoo).")
    var specOrPreset: String?

    @Option(name: .long, help: "Output folder (default: Reports/<spec name>).")
    var out: String?

    @Option(name: .long, help: "What to write, comma-separated: pdf (report.pdf), png, svg (one file per figure).")
    var format: String = "pdf,png"

    @Option(name: .long, parsing: .unconditional, help: "How many runs train at once (default: one per core).")
    var threads: Int?

    @OptionGroup(title: "Figure size and colours")
    var appearance: FigureAppearanceOptions

    @Option(name: .long, help: "Re-render this history.json instead of training.")
    var fromHistory: String?

    @Option(name: .customLong("import"),
            help: ArgumentHelp("Report on these training runs instead of training: a per-layer gradient log (CSV: network,step,layer,weightGradNorm, …), or a TensorBoard log (an events.out.tfevents.* file, or a folder of runs).",
                               valueName: "runs.csv|logdir"))
    var importLog: String?

    @OptionGroup(title: "TensorBoard logs (with --import)")
    var tensorBoard: TensorBoardOptions

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Train only shard INDEX of COUNT (INDEX from 0, as SLURM_ARRAY_TASK_ID) and write a shard folder (default: Reports/<spec name>/shards/INDEX-of-COUNT) instead of the report; `vanish merge` writes the report from all shards.",
        valueName: "INDEX/COUNT"))
    var shard: String?

    @Flag(name: .long, help: "Print nothing but the list of files written.")
    var quiet = false

    func validate() throws {
        if specOrPreset != nil && fromHistory != nil {
            throw ValidationError("give a spec or --from-history, not both")
        }
        if importLog != nil && (specOrPreset != nil || fromHistory != nil) {
            throw ValidationError("--import reports on a gradient log; give no spec and no --from-history with it")
        }
        if let importLog, !GradientLogImport.isGradientLog(importLog), !TensorBoardImport.isTensorBoardLog(importLog) {
            throw ValidationError("--import takes a CSV gradient log (.csv) or a TensorBoard log (an events.out.tfevents.* file, or a folder of them), found '\(importLog)'")
        }
        if !tensorBoard.isEmpty && (importLog.map(TensorBoardImport.isTensorBoardLog) ?? false) == false {
            throw ValidationError("--tags, --loss-tag, --accuracy-tag and --name are for --import of a TensorBoard log")
        }
        do {
            _ = try FigureFormat.parseList(format)
        } catch {
            throw ValidationError("\(error)")
        }
        if shard != nil && (fromHistory != nil || importLog != nil) {
            throw ValidationError("--shard trains part of a spec; give it a spec, not --from-history or --import")
        }
    }

    func run() throws {
        let formats = try FigureFormat.parseList(format)
        let specOrPreset = self.specOrPreset ?? "zoo"
        if let shard {
            let request = TrainRequest(specOrPreset: specOrPreset, outputFolder: out, threads: threads)
            try ShardCommandLine.train(request, shard: try Shard.parse(shard), quiet: quiet)
            return
        }
        let figureAppearance = try appearance.appearance()
        let request = RunRequest(specOrPreset: specOrPreset, outputFolder: out, formats: formats, threads: threads,
                                 historyPath: fromHistory ?? importLog, dpi: figureAppearance.resolvedDPI,
                                 tensorBoard: try tensorBoard.importOptions(), appearance: figureAppearance)
        var runs = 0
        if fromHistory == nil, importLog == nil, let spec = try? TrainExperiment.resolveSpec(specOrPreset).spec {
            runs = spec.expandedNetworks.count * spec.seeds.count
        }
        let bar = RunProgress(runs: runs, enabled: quiet ? false : nil)
        var progress: (@Sendable (Int, Int) -> Void)?
        var runFinished: (@Sendable (Int, Int) -> Void)?
        if bar.isEnabled {
            progress = { done, total in bar.update(done: done, total: total) }
            runFinished = { done, _ in bar.finishRun(done: done) }
        }
        let interrupt = Interrupt()
        defer { interrupt.uninstall() }
        let result: RunResult
        do {
            result = try RunReport.run(request, progress: progress, runFinished: runFinished,
                                       status: { status in bar.show(status) }, cancellation: interrupt.flag)
        } catch {
            bar.show(nil)
            throw error
        }
        bar.show(nil)
        let cwd = FileManager.default.currentDirectoryPath + "/"
        for url in result.written {
            let path = url.standardizedFileURL.path
            print(path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path)
        }
    }
}

/// `vanish presets`: the built-in specs, one line each.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the built-in specs (the stories vanish ships), one line each.")

    func run() throws {
        for line in PresetList.lines() { print(line) }
    }
}
