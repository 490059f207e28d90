import ArgumentParser
import Foundation
import GradientData
import VanishCommands

/// `vanish merge SHARD...`: the report of a spec trained in shards.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard folders of one spec and write its report, as `vanish run` would.",
        discussion: """
            Checks that the shards come from one spec (the SHA-256 of its resolved JSON), that every \
            shard of the split is there exactly once, then writes DIR/report.pdf, DIR/figures, \
            DIR/history.json and DIR/history.csv: the same bytes as `vanish run SPEC` on one machine \
            of the same kind. A missing, repeated or foreign shard is one line naming it (exit 2), and \
            nothing is written. Shards trained with other matrix kernels give a warning.

            """ + ExitStatus.help)

    @Argument(help: ArgumentHelp("The shard folders (`vanish run SPEC --shard i/n` writes them), in any order.", valueName: "shard"))
    var shards: [String]

    @Option(name: .long, help: "Output folder (default: Reports/<spec name>).")
    var out: String?

    @Option(name: .long, help: "What to write, comma-separated: pdf (report.pdf), png, svg (one file per figure).")
    var format: String = "pdf,png"

    @OptionGroup(title: "Figure size and colours")
    var appearance: FigureAppearanceOptions

    func validate() throws {
        do {
            _ = try FigureFormat.parseList(format)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let figureAppearance = try appearance.appearance()
        let request = MergeRequest(shards: shards, outputFolder: out, formats: try FigureFormat.parseList(format),
                                   dpi: figureAppearance.resolvedDPI, appearance: figureAppearance)
        let interrupt = Interrupt()
        defer { interrupt.uninstall() }
        let result = try MergeShards.run(request, cancellation: interrupt.flag)
        if let warning = result.warning {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        ShardCommandLine.printWritten(result.written)
    }
}

/// What `run --shard` and `train --shard` print.
enum ShardCommandLine {
    /// Trains `shard` of `request`'s spec and prints what the shard holds and the files written.
    static func train(_ request: TrainRequest, shard: Shard, quiet: Bool) throws {
        let bar = TerminalProgress.isTerminal && !quiet ? TerminalProgress(label: "training shard \(shard) of \(request.specOrPreset)") : nil
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar {
            progress = { done, total in bar.update(done: done, total: total) }
        }
        let interrupt = Interrupt()
        defer { interrupt.uninstall() }
        let result = try TrainExperiment.runShard(request, shard: shard, progress: progress, cancellation: interrupt.flag)
        if !quiet { print(result.summary) }
        printWritten(result.written)
    }

    /// One line per file, relative to the working folder where it lies inside it.
    static func printWritten(_ urls: [URL]) {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        for url in urls {
            let path = url.standardizedFileURL.path
            print(path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path)
        }
    }
}
