import ArgumentParser
import Foundation
import VanishCommands

/// `vanish animate KIND HISTORY --out FILE.gif`: one figure animated over training.
struct AnimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "animate",
        abstract: "Animate one figure over training as a looping GIF (fading, heatmap, filmstrip, profile, time-heatmap).",
        discussion: """
            Each frame is the figure drawn from the history as it stood at one recorded step, with a \
            step counter and progress bar under it; frames are evenly spaced recorded steps, and the \
            last frame is held for 2 s. All frames share one palette led by the colour map's entries, \
            without dithering.

            """ + ExitStatus.help)

    @Argument(help: "What to animate: fading, heatmap, filmstrip, profile or time-heatmap.")
    var kind: String

    @Argument(help: "The history written by `vanish train` (history.json), or a gradient log (.csv) or TensorBoard log.")
    var history: String

    @Option(name: .long, help: "The network to draw (needed when the history holds several; profile draws all without it).")
    var network: String?

    @Option(name: .long, parsing: .unconditional, help: "The network's seed (default: its first).")
    var seed: Int?

    @Option(name: .long, help: "The .gif file to write.")
    var out: String

    @Option(name: .long, parsing: .unconditional, help: "How many frames: evenly spaced recorded steps (fewer if fewer are recorded).")
    var frames: Int = FigureAnimation.defaultFrames

    @Option(name: .long, parsing: .unconditional, help: "Frames per second (1–50).")
    var fps: Int = FigureAnimation.defaultFPS

    @Option(name: .long, parsing: .unconditional, help: "Resolution in dots per inch (36–1200).")
    var dpi: Double = 144

    @Option(name: .long, parsing: .unconditional, help: "Render frames on this many threads (default: all cores); the bytes do not depend on it.")
    var threads: Int?

    func run() throws {
        do {
            let kind = try FigureAnimation.Kind.named(self.kind)
            try FigureAnimation.checkOptions(frames: frames, fps: fps, dpi: dpi, threads: threads)
            let url = URL(fileURLWithPath: out)
            try FigureAnimation.checkDestination(url)
            let summary = try FigureAnimation.write(
                history: try HistoryInput.read(history), kind: kind, network: network, seed: seed, frames: frames, fps: fps,
                to: url, dpi: dpi, threads: threads, source: history)
            print(summary.line)
        } catch let error as RenderError {
            throw ValidationError(error.description)
        }
    }
}
