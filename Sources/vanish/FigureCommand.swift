import ArgumentParser
import Foundation
import VanishCommands

/// `vanish figure KIND HISTORY`: one figure, at a step of training, a size and a theme.
struct FigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Draw one figure of a history, at a step of training, at the size and in the colours a slide or paper needs.",
        discussion: """
            KIND is a figure's file name as `render` writes it, without network or extension: heatmaps, \
            heatmap, fading, filmstrip, profile, profile-delta, curves, saturation, summary (recurrent \
            histories: time-heatmaps, time-heatmap, fading-time, filmstrip-time, time-profile, memory; \
            sweeps: sweep-accuracy, sweep-gradient-factor, sweep-fading, depth-sweep; initialisations: \
            delta-bars, delta-curves). A figure of one network \
            (heatmap, filmstrip, fading with --network) needs --network unless the history has one network; \
            a comparison given --network shows that network alone.

            --step draws the history as it stood at that training step (the nearest recorded one, named on \
            stderr); --at a fraction of training (10%). The output format comes from --out's extension: \
            .png, .svg, .pdf, or .gif for an animation over training (fading, heatmap, filmstrip, profile, \
            time-heatmap): --frames evenly spaced recorded steps at --fps, a step counter and progress bar \
            under the figure, the last frame held for 2 s.

            Examples:
              vanish figure fading Reports/zoo/history.json --network sigmoid --size 16:9 --theme dark --out fading.png
              vanish figure heatmap Reports/zoo/history.json --network sigmoid --size 8.5cmx6cm --out heatmap.pdf
              vanish figure fading Reports/zoo/history.json --network sigmoid --out fading.gif

            """ + ExitStatus.help)

    @Argument(help: "The figure: heatmaps, heatmap, fading, filmstrip, profile, curves, saturation, summary, …")
    var kind: String

    @Argument(help: "The history written by `vanish train` (history.json), a per-layer gradient log (.csv), or a TensorBoard log.")
    var history: String

    @Option(name: .long, help: "The network to draw (a comparison is narrowed to it).")
    var network: String?

    @Option(name: .long, parsing: .unconditional, help: "The seed of the network, when it has several (default: its first).")
    var seed: Int?

    @Option(name: .long, parsing: .unconditional, help: "Draw the history as it stood at this training step (the nearest recorded one).")
    var step: Int?

    @Option(name: .long, help: ArgumentHelp("Draw the history as it stood at this fraction of training (10% or 0.1).", valueName: "fraction"))
    var at: String?

    @Option(name: .long, help: "The file to write: .png, .svg, .pdf or .gif (default: KIND[-NETWORK][-stepN].png here).")
    var out: String?

    @Option(name: .long, parsing: .unconditional,
            help: "An animation's (.gif) frames: evenly spaced recorded steps (default: 60; fewer if fewer are recorded).")
    var frames: Int?

    @Option(name: .long, parsing: .unconditional, help: "An animation's frames per second, 1 to 50 (default: 12).")
    var fps: Int?

    @Option(name: .long, parsing: .unconditional,
            help: "Render an animation's frames on this many threads (default: every core); the bytes do not depend on it.")
    var threads: Int?

    @OptionGroup(title: "Figure size and colours")
    var appearance: FigureAppearanceOptions

    @OptionGroup(title: "TensorBoard logs")
    var tensorBoard: TensorBoardOptions

    func validate() throws {
        if step != nil && at != nil { throw ValidationError("give --step or --at, not both") }
        let animated = out.map { URL(fileURLWithPath: $0).pathExtension.lowercased() == "gif" } ?? false
        if !animated && (frames != nil || fps != nil || threads != nil) {
            throw ValidationError("--frames, --fps and --threads apply to an animation: give --out NAME.gif")
        }
    }

    func run() throws {
        do {
            let moment: TrainingMoment? = try step.map { .step($0) } ?? at.map(TrainingMoment.parseFraction)
            let request = FigureRequest(kind: kind, historyPath: history, network: network, seed: seed, moment: moment,
                                        outputPath: out, appearance: try appearance.appearance(),
                                        tensorBoard: try tensorBoard.importOptions(),
                                        frames: frames ?? FigureAnimation.defaultFrames, fps: fps ?? FigureAnimation.defaultFPS,
                                        threads: threads)
            print("wrote \(try SingleFigure.run(request))")
        } catch let error as RenderError {
            throw ValidationError(error.description)
        }
    }
}
