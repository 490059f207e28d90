import Figures
import Foundation
import GradientData
import Graphics
import TensorBoardImport

/// When in training a figure is drawn: a training step (the nearest recorded one is used) or a fraction of training.
public enum TrainingMoment: Hashable, Sendable {
    case step(Int)
    case fraction(Double)

    /// `10%` or `0.1` (`--at`): a fraction of training, 0 to 100 %.
    public static func parseFraction(_ text: String) throws -> TrainingMoment {
        let t = text.trimmingCharacters(in: .whitespaces)
        let percent = t.hasSuffix("%")
        guard let value = Double(percent ? String(t.dropLast()) : t), value.isFinite else {
            throw RenderError.badOption("--at '\(text)' is not a fraction of training; use e.g. 10% or 0.1")
        }
        let fraction = percent ? value / 100 : value
        guard (0...1).contains(fraction) else {
            throw RenderError.badOption("--at '\(text)' is outside training; use 0% to 100%")
        }
        return .fraction(fraction)
    }
}

/// What `vanish figure` is asked to draw.
public struct FigureRequest: Sendable {
    /// The figure's kind as `render` names its file: `heatmap`, `heatmaps`, `fading`, `profile`, …
    public var kind: String
    public var historyPath: String
    /// The network a per-network figure draws (a comparison is narrowed to it).
    public var network: String?
    /// The seed of the network, when it has several.
    public var seed: Int?
    /// nil: the end of training.
    public var moment: TrainingMoment?
    /// The file to write; its extension picks the format. nil: `KIND[-NETWORK][-stepN].png` here.
    public var outputPath: String?
    public var appearance: FigureAppearance
    public var tensorBoard: TensorBoardImportOptions
    /// An animation's (`.gif`) frames: evenly spaced recorded steps.
    public var frames: Int
    /// An animation's frames per second.
    public var fps: Int
    /// The threads an animation's frames render on (nil: every core); the bytes do not depend on it.
    public var threads: Int?

    public init(kind: String, historyPath: String, network: String? = nil, seed: Int? = nil, moment: TrainingMoment? = nil,
                outputPath: String? = nil, appearance: FigureAppearance = .standard,
                tensorBoard: TensorBoardImportOptions = TensorBoardImportOptions(),
                frames: Int = FigureAnimation.defaultFrames, fps: Int = FigureAnimation.defaultFPS, threads: Int? = nil) {
        self.frames = frames
        self.fps = fps
        self.threads = threads
        self.kind = kind
        self.historyPath = historyPath
        self.network = network
        self.seed = seed
        self.moment = moment
        self.outputPath = outputPath
        self.appearance = appearance
        self.tensorBoard = tensorBoard
    }
}

/// A figure chosen from a history: the job that lays it out, and where it is written.
public struct ChosenFigure: Sendable {
    /// The catalog's job for the figure, drawn from the history cut at `step`.
    public var job: FigureCatalog.Job
    /// The history the figure is drawn from (narrowed to the network and cut at the step).
    public var history: GradientHistory
    /// The recorded step the figure shows; nil for the end of training.
    public var step: Int?
    public var style: FigureStyle
    /// The file name without folder or extension: `fading-sigmoid-step100`.
    public var defaultName: String
}

/// `vanish figure`: one figure of a history, at a step, size and theme, as PNG, SVG or PDF.
public enum SingleFigure {
    /// The formats a file name may end in; `.gif` is an animation over training.
    public static let extensions = ["png", "svg", "pdf", "gif"]

    /// Checks the request against the history and picks the figure; `note` hears which step was used.
    ///
    /// Every mistake is a `RenderError` that names what is valid.
    public static func choose(_ request: FigureRequest, history: GradientHistory, measurer: TextMeasurer,
                              note: (String) -> Void = { _ in }) throws -> ChosenFigure {
        do { try request.appearance.validate() } catch { throw RenderError.badOption(error.description) }
        let style = request.appearance.style()
        let all = FigureCatalog.jobs(for: history, style: style, measurer: measurer)
        var kinds: [String] = []
        for job in all where !kinds.contains(job.kindName) { kinds.append(job.kindName) }
        guard kinds.contains(request.kind) else {
            throw RenderError.badOption("unknown figure '\(request.kind)'\(NameSuggestion.hint(for: request.kind, among: kinds)); "
                + "this history draws: \(kinds.joined(separator: ", "))")
        }
        let perRunOnly = !all.contains { $0.kindName == request.kind && $0.run == nil }
        let runs = try selectRuns(request, history: history, needsOne: perRunOnly)
        var narrowed = history
        if request.network != nil || perRunOnly { narrowed.runs = runs }
        var step: Int?
        if let moment = request.moment {
            let chosen = try recordedStep(moment, runs: runs)
            if case .step(let asked) = moment, asked != chosen {
                note("step \(asked) was not recorded: drawing the nearest recorded step, \(chosen)")
            } else {
                note("drawing step \(chosen)")
            }
            narrowed = narrowed.truncated(atStep: chosen)
            step = chosen
        }
        let jobs = FigureCatalog.jobs(for: narrowed, style: style, measurer: measurer)
        let wantsRun = request.network != nil || perRunOnly
        guard let job = jobs.first(where: { $0.kindName == request.kind && ($0.run != nil) == wantsRun })
            ?? jobs.first(where: { $0.kindName == request.kind }) else {
            throw RenderError.badOption("figure '\(request.kind)' has nothing to draw at step \(step.map(String.init) ?? "end")")
        }
        var name = job.name
        if let run = job.run, !name.hasSuffix(run.fileName) { name += "-" + run.fileName }
        if job.run == nil, request.network != nil, let only = FigureRun.all(in: narrowed).first { name += "-" + only.fileName }
        if let step { name += "-step\(step)" }
        return ChosenFigure(job: job, history: narrowed, step: step, style: style, defaultName: name)
    }

    /// The runs the request names: one network (and seed), or every run when no network is named and one is not needed.
    static func selectRuns(_ request: FigureRequest, history: GradientHistory, needsOne: Bool) throws -> [RunHistory] {
        var networks: [String] = []
        for run in history.runs where !networks.contains(run.network) { networks.append(run.network) }
        guard let asked = request.network else {
            if needsOne && networks.count > 1 {
                throw RenderError.badOption("figure '\(request.kind)' draws one network: add --network NAME "
                    + "(one of \(networks.joined(separator: ", ")))")
            }
            return try seeded(history.runs, request: request, networkName: networks.first ?? "", needsOne: needsOne)
        }
        let name = networks.first { $0 == asked } ?? networks.first { $0.lowercased() == asked.lowercased() }
            ?? FigureRun.all(in: history).first { $0.fileName == asked }?.run.network
        guard let name else {
            throw RenderError.badOption("unknown network '\(asked)'\(NameSuggestion.hint(for: asked, among: networks)) "
                + "(this history has: \(networks.joined(separator: ", ")))")
        }
        return try seeded(history.runs.filter { $0.network == name }, request: request, networkName: name, needsOne: true)
    }

    static func seeded(_ runs: [RunHistory], request: FigureRequest, networkName: String, needsOne: Bool) throws -> [RunHistory] {
        let seeds = runs.map(\.seed)
        if let seed = request.seed {
            let chosen = runs.filter { $0.seed == seed }
            guard !chosen.isEmpty else {
                throw RenderError.badOption("--seed \(seed): \(networkName) has no run with that seed; its seeds: "
                    + seeds.map(String.init).joined(separator: ", "))
            }
            return chosen
        }
        return needsOne ? Array(runs.prefix(1)) : runs
    }

    /// The recorded step nearest `moment`, among the steps of `runs`; an error when it lies outside them.
    static func recordedStep(_ moment: TrainingMoment, runs: [RunHistory]) throws -> Int {
        let steps = Array(Set(runs.flatMap(\.steps))).sorted()
        guard let first = steps.first, let last = steps.last else {
            throw RenderError.badOption("the history records no step to draw")
        }
        let target: Double
        switch moment {
        case .step(let s):
            guard s >= 0, s <= last else {
                throw RenderError.badOption("--step \(s) is outside the history: its recorded steps run \(first) to \(last)")
            }
            target = Double(s)
        case .fraction(let f):
            target = Double(first) + f * Double(last - first)
        }
        // Ties go to the earlier step, so the choice never depends on order.
        var best = first
        for s in steps where abs(Double(s) - target) < abs(Double(best) - target) { best = s }
        return best
    }

    /// The format of `path` from its extension, or an error naming the valid ones.
    public static func format(of path: String) throws -> String {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard extensions.contains(ext) else {
            throw RenderError.badOption("cannot tell the format of '\(path)' from its extension; use .png, .svg, .pdf or .gif")
        }
        return ext
    }

    /// Animates the request's figure over training into the `.gif` at `path`; `note` hears what it holds.
    static func animate(_ request: FigureRequest, to path: String, note: (String) -> Void) throws -> String {
        do { try request.appearance.validate() } catch { throw RenderError.badOption(error.description) }
        guard request.moment == nil else {
            throw RenderError.badOption("--step and --at choose a still; an animation (.gif) runs over all of training: leave them out")
        }
        let kind = try FigureAnimation.Kind.named(request.kind)
        let dpi = request.appearance.resolvedDPI
        try FigureAnimation.checkOptions(frames: request.frames, fps: request.fps, dpi: dpi, threads: request.threads)
        let url = URL(fileURLWithPath: path)
        try FigureAnimation.checkDestination(url)
        let history = try HistoryInput.read(request.historyPath, tensorBoard: request.tensorBoard)
        let summary = try FigureAnimation.write(
            history: history, kind: kind, network: request.network, seed: request.seed, frames: request.frames, fps: request.fps,
            to: url, style: request.appearance.style(), dpi: dpi, threads: request.threads, source: request.historyPath)
        note(summary.details)
        return path
    }

    /// Draws the request's figure and writes it atomically; returns the path written.
    ///
    /// A `.gif` file is handed to `FigureAnimation.write`. Nothing is written on any error.
    public static func run(_ request: FigureRequest, measurer: TextMeasurer, encode: RenderFigures.Encoder,
                           note: (String) -> Void = HistoryInput.printNote) throws -> String {
        if let out = request.outputPath, try format(of: out) == "gif" { return try animate(request, to: out, note: note) }
        let history = try HistoryInput.read(request.historyPath, tensorBoard: request.tensorBoard)
        let chosen = try choose(request, history: history, measurer: measurer, note: note)
        let path = request.outputPath ?? chosen.defaultName + ".png"
        let ext = try format(of: path)
        let url = URL(fileURLWithPath: path)
        guard let format = FigureFormat(rawValue: ext) else {
            throw RenderError.badOption("cannot write '\(path)'; use .png, .svg, .pdf or .gif")
        }
        if let problem = AtomicFile.problem(writing: url) { throw RenderError.badOption("cannot write \(path): \(problem)") }
        let scene = chosen.job.scene()
        if scene.enlargement > 1 {
            let e = scene.enlargement
            let digits = e == e.rounded() ? 0 : (e * 10 == (e * 10).rounded() ? 1 : 2)
            note("\(chosen.job.name) does not fit this size at its type size: laid out \(NumberFormat.fixed(e, digits: digits))× larger "
                + "and scaled down, its type \(NumberFormat.percent(1 / scene.enlargement, digits: 0)) of the size asked; a larger --size keeps it full size")
        }
        let bytes = try encode(scene, format, request.appearance.resolvedDPI)
        try AtomicFile.write(bytes, to: url)
        return path
    }
}

extension HistoryInput {
    /// Writes a line to stderr (which step was drawn), so stdout stays the path written.
    public static func printNote(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}
