import ArgumentParser
import VanishCommands

/// `vanish render HISTORY.json`: draws every figure of a recorded history.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw every figure of a history (heatmaps, fading diagrams, profiles, curves, …).",
        discussion: """
            Writes one file per figure per format into the output folder, named after the \
            figure: heatmap-<network>.png, heatmaps.png, fading-<network>.png, fading.png, \
            filmstrip-<network>.png, profile.png, profile-delta.png, curves.png, \
            saturation.png, summary.png. All files or none are written.

            A .csv file is imported as a per-layer gradient log from any framework: columns \
            network,step,layer,weightGradNorm, and optionally seed, biasGradNorm, deltaNorm, activationMean, \
            activationStd, saturatedFraction, deadFraction, updateRatio, loss, trainAccuracy. \
            Only the figures the log has data for are drawn.

            A folder, or an events.out.tfevents.* file, is imported as a TensorBoard log: every \
            folder holding event files is a run; per-parameter gradient norms (Lightning's \
            grad_2.0_norm/<parameter>, grad_norm/<parameter>, gradients/<parameter>/norm, or \
            gradients/<parameter> histograms) become layers.

            """ + ExitStatus.help)

    @Argument(help: "The history written by `vanish train` (history.json), a per-layer gradient log (.csv), or a TensorBoard log (event file or folder).")
    var history: String

    @OptionGroup(title: "TensorBoard logs")
    var tensorBoard: TensorBoardOptions

    @Option(name: .long, help: "The folder to write the figures into (created if missing).")
    var out: String = "figures"

    @Option(name: .long, help: "Comma-separated formats: png, svg, pdf.")
    var format: String = "png"

    @OptionGroup(title: "Figure size and colours")
    var appearance: FigureAppearanceOptions

    func run() throws {
        do {
            let formats = try FigureFormat.parseList(format)
            let figureAppearance = try appearance.appearance()
            let interrupt = Interrupt()
            defer { interrupt.uninstall() }
            let written = try RenderFigures.run(
                RenderRequest(historyPath: history, outputFolder: out, formats: formats, dpi: figureAppearance.resolvedDPI,
                              tensorBoard: try tensorBoard.importOptions(), appearance: figureAppearance),
                cancellation: interrupt.flag)
            print("wrote \(written.count) files to \(out)")
        } catch let error as RenderError {
            throw ValidationError(error.description)
        }
    }
}
