import ArgumentParser
import Foundation
import VanishCommands

/// `vanish bench`: how fast this machine trains and draws, as medians of several runs.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training, matrix products and rendering; print medians and the peak memory.",
        discussion: """
            Prints one table: zoo training time and steps per second (one run per core), matrix \
            product speed, render time per figure kind, for report.pdf and for the whole report \
            (every figure PNG and the PDF, from a history trained once), a 60-frame GIF of the first \
            network's fading diagram, what training in shards and merging them adds, and the peak \
            resident memory. \
            Numbers vary with the load on the machine; the range column shows the spread.
            """)

    @Argument(help: "The spec to train and render: a spec file or a built-in name (default: zoo).")
    var specOrPreset: String = "zoo"

    @Option(name: .long, parsing: .unconditional, help: "How many times to repeat each measurement (the table shows the median).")
    var repeats: Int = 3

    @Option(name: .long, help: "What to measure, comma-separated: training, gemm, render, animation, memory, recurrent, shards (default: all).")
    var only: String = BenchPart.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .long, help: "Render this history.json instead of training one.")
    var fromHistory: String?

    @Option(name: .long, parsing: .unconditional, help: "Resolution of the figure PNGs in dots per inch.")
    var dpi: Double = 144

    @Option(name: .long, parsing: .unconditional,
            help: "Seconds tools/pytorch_through_time.py --steps 40 took here: the recurrent row shows the ratio.")
    var pytorchSeconds: Double?

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, found \(repeats)") }
        do {
            _ = try BenchPart.parseList(only)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let request = BenchRequest(specOrPreset: specOrPreset, repeats: repeats, parts: try BenchPart.parseList(only),
                                   historyPath: fromHistory, dpi: dpi, pytorchRecurrentSeconds: pytorchSeconds)
        // Ctrl-C, SIGTERM or SIGHUP end the bench at once, its temporary folders removed.
        let interrupt = Interrupt(stopAtOnce: true)
        defer { interrupt.uninstall() }
        let report = try Bench.run(request) { status in
            FileHandle.standardError.write(Data("bench: \(status)\n".utf8))
        }
        for line in report.lines() { print(line) }
    }
}
