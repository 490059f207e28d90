import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import MLPTraining
import Reporting
import TensorBoardImport

/// What `vanish run` is asked to do.
public struct RunRequest: Sendable {
    /// A spec file's path or a built-in spec's name; ignored when `historyPath` is set.
    public var specOrPreset: String
    /// Where the report goes; nil: `Reports/<spec name>/`.
    public var outputFolder: String?
    /// `pdf` writes report.pdf; `png` and `svg` write one file per figure.
    public var formats: [FigureFormat]
    /// How many runs train at once; nil: one per core.
    public var threads: Int?
    /// Re-render this history.json instead of training.
    public var historyPath: String?
    /// Resolution of the figure PNGs.
    public var dpi: Double
    /// How to read `historyPath` when it is a TensorBoard log.
    public var tensorBoard: TensorBoardImportOptions
    /// The figures' size, type scale and theme (the report's pages keep theirs).
    public var appearance: FigureAppearance

    public init(
        specOrPreset: String = "zoo", outputFolder: String? = nil, formats: [FigureFormat] = RunRequest.defaultFormats,
        threads: Int? = nil, historyPath: String? = nil, dpi: Double = CairoRenderer.defaultDPI,
        tensorBoard: TensorBoardImportOptions = TensorBoardImportOptions(), appearance: FigureAppearance = .standard
    ) {
        self.appearance = appearance
        self.specOrPreset = specOrPreset
        self.outputFolder = outputFolder
        self.formats = formats
        self.threads = threads
        self.historyPath = historyPath
        self.dpi = dpi
        self.tensorBoard = tensorBoard
    }

    /// report.pdf and one PNG per figure.
    public static let defaultFormats: [FigureFormat] = [.pdf, .png]
}

/// What `vanish run` wrote.
public struct RunResult: Sendable {
    public var history: GradientHistory
    /// Every file written, in order: history, report.pdf, figures.
    public var written: [URL]
}

/// `vanish run`: train (or read a history), then write the report folder, every file atomically.
public enum RunReport {
    /// The report folder's figures live in this subfolder.
    public static let figureFolder = "figures"

    /// Trains what `request` names (or reads its history) and writes the report folder.
    ///
    /// - Parameters:
    ///   - progress: receives (steps done, steps in all) from training's worker threads.
    ///   - runFinished: receives (runs done, runs in all) as each run ends.
    ///   - status: receives a word on what happens after training (`rendering the report`).
    ///   - cancellation: once set (Ctrl-C), work stops, nothing is written and this throws `Interrupted`.
    ///
    /// Everything is checked before training starts (spec, data, memory, output folder), and every
    /// file is written into a staging folder first: on any error the output folder gains no file.
    public static func run(
        _ request: RunRequest, progress: (@Sendable (Int, Int) -> Void)? = nil,
        runFinished: (@Sendable (Int, Int) -> Void)? = nil, status: (@Sendable (String) -> Void)? = nil,
        cancellation: CancellationFlag? = nil
    ) throws -> RunResult {
        guard !request.formats.isEmpty else { throw RenderError.badOption("--format lists no format; valid: png, svg, pdf") }
        try RenderRequest.checkDPI(request.dpi)
        do { try request.appearance.validate() } catch { throw RenderError.badOption(error.description) }
        let renderer = try CairoRenderer()
        let history: GradientHistory
        let output: StagedOutput
        var data: DataSummary?
        if let path = request.historyPath {
            history = try HistoryInput.read(path, tensorBoard: request.tensorBoard)
            // The name inside a history or log is data: it names a folder only if it is one plain name.
            let folder = try request.outputFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? history.spec.defaultOutputFolder(source: path)
            output = try StagedOutput.prepare(folder, subfolders: [figureFolder], files: plannedFiles(request.formats, figures: false))
            do {
                try checkFigureTargets(output.destination, formats: request.formats)
            } catch {
                output.discard()
                throw error
            }
            data = dataSummary(history.spec, folder: nil)
        } else {
            let plan = try TrainExperiment.plan(
                TrainRequest(specOrPreset: request.specOrPreset, outputFolder: request.outputFolder, threads: request.threads))
            data = dataSummary(plan.spec, split: plan.data.first)
            output = try StagedOutput.prepare(plan.output, subfolders: [figureFolder], files: plannedFiles(request.formats, figures: false))
            do {
                try checkFigureTargets(output.destination, formats: request.formats)
                history = try TrainExperiment.train(
                    plan, progress: progress, runFinished: runFinished, cancellation: cancellation,
                    notWritten: plannedFiles(request.formats).map { plan.output.appendingPathComponent($0) })
            } catch {
                output.discard()
                throw error
            }
        }
        let written = try writeReportFolder(history, data: data, into: output, formats: request.formats, dpi: request.dpi,
                                            renderer: renderer, figureStyle: request.appearance.style(), status: status,
                                            cancellation: cancellation)
        return RunResult(history: history, written: written)
    }

    /// Writes history.json, history.csv, report.pdf and the figures into `output` and moves them
    /// into place; on any error (or Ctrl-C) discards them all. Returns the files written.
    static func writeReportFolder(
        _ history: GradientHistory, data: DataSummary?, into output: StagedOutput, formats: [FigureFormat], dpi: Double,
        renderer: CairoRenderer, figureStyle: FigureStyle = .standard, status: (@Sendable (String) -> Void)?,
        cancellation: CancellationFlag?
    ) throws -> [URL] {
        do {
            var staged = try TrainExperiment.writeHistory(history, into: output)
            status?("rendering the report")
            staged += try writeReport(history, data: data, to: output.staging,
                                      formats: formats, dpi: dpi, renderer: renderer,
                                      figureStyle: figureStyle, cancellation: cancellation)
            return try output.commit(staged, cancellation: cancellation)
        } catch is CancellationError {
            output.discard()
            throw Interrupted(folder: output.destination.relativePath,
                              notWritten: plannedFiles(formats).map { output.destination.appendingPathComponent($0) })
        } catch {
            output.discard()
            throw error
        }
    }

    /// What a run writes, relative to its folder, for the message when it is interrupted.
    static func plannedFiles(_ formats: [FigureFormat], figures: Bool = true) -> [String] {
        TrainExperiment.historyFiles + (formats.contains(.pdf) ? ["report.pdf"] : [])
            + (figures ? formats.filter { $0 != .pdf }.map { "\(figureFolder)/*.\($0.rawValue)" } : [])
    }

    /// Refuses, before any work, a folder in `figures/` named like a figure file of `formats`
    /// (`summary.png/`): vanish writes only files there, and such a folder would stop the final move.
    static func checkFigureTargets(_ destination: URL, formats: [FigureFormat]) throws {
        let figures = destination.appendingPathComponent(figureFolder, isDirectory: true)
        let extensions = Set(formats.filter { $0 != .pdf }.map { "." + $0.rawValue })
        guard !extensions.isEmpty, let names = try? FileManager.default.contentsOfDirectory(atPath: figures.path) else { return }
        for name in names.sorted() where extensions.contains(where: { name.hasSuffix($0) }) {
            let target = figures.appendingPathComponent(name)
            if StagedOutput.isDirectory(target) {
                throw OutputError("cannot write into output folder \(destination.relativePath): \(target.relativePath) is a folder, not a file")
            }
        }
    }

    /// Writes report.pdf and the figure files of `history` into `folder`; returns the files written.
    public static func writeReport(
        _ history: GradientHistory, data: DataSummary?, to folder: URL, formats: [FigureFormat],
        dpi: Double = CairoRenderer.defaultDPI, renderer: CairoRenderer, figureStyle: FigureStyle = .standard,
        cancellation: CancellationFlag? = nil
    ) throws -> [URL] {
        try createFolder(folder)
        var written: [URL] = []
        let measurer = renderer.measurer
        let figureFormats = formats.filter { $0 != .pdf }
        let figures = folder.appendingPathComponent(figureFolder, isDirectory: true)
        if cancellation?.isCancelled == true { throw CancellationError() }
        var style = figureStyle
        style.pixelsPerPoint = max(1, dpi / 72)
        if !figureFormats.isEmpty { try createFolder(figures) }
        // The report's sections (the longer jobs, first) and the figures' scenes are laid out as one
        // set of jobs on all cores, so neither waits for the other on a core of its own.
        let report = formats.contains(.pdf) ? ReportBuilder.layout(for: history, data: data, measurer: measurer) : nil
        let sections = report?.sections ?? []
        let figureLayouts = figureFormats.isEmpty ? [] : FigureCatalog.jobs(for: history, style: style, measurer: measurer)
        let laidOut = Concurrently.map(sections.count + figureLayouts.count) { i -> (pages: [Page], scene: Scene?) in
            i < sections.count ? (sections[i](), nil) : ([], figureLayouts[i - sections.count].scene())
        }
        let document = report?.document(sections: laidOut[..<sections.count].map(\.pages))
        let jobs = figureLayouts.indices.flatMap { i in
            let figure = NamedFigure(name: figureLayouts[i].name, caption: figureLayouts[i].caption, scene: laidOut[sections.count + i].scene!)
            return figureFormats.map { (figure: figure, format: $0) }
        }
        if cancellation?.isCancelled == true { throw CancellationError() }
        // The PDF (the longest job) starts first and the figures fill the cores beside it (the
        // renderer is thread-safe), costliest first, so that the last to finish are short and
        // neither core waits long for the other. Each file is written by the job that drew it, so
        // writing overlaps drawing.
        let pdf = document == nil ? 0 : 1
        let reportURL = folder.appendingPathComponent("report.pdf")
        let figureURLs = jobs.map { figures.appendingPathComponent("\($0.figure.name).\($0.format.rawValue)") }
        let costs = jobs.map { CairoRenderer.cost($0.figure.scene) }
        let order = Array(0..<pdf) + jobs.indices.sorted { costs[$0] > costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }.map { pdf + $0 }
        let started = Concurrently.map(order.count) { k -> Result<Void, Error> in
            let i = order[k]
            // Ctrl-C: the jobs not yet started are skipped.
            if cancellation?.isCancelled == true { return .failure(CancellationError()) }
            if let document, i < pdf {
                return Result { try AtomicFile.write(try renderer.pdf(pages: document.pages, metadata: PDFMetadata(title: document.title)), to: reportURL) }
            }
            let (figure, format) = jobs[i - pdf]
            return Result {
                let bytes: Data
                do {
                    bytes = format == .png ? try renderer.png(figure.scene, dpi: dpi) : try renderer.svg(figure.scene)
                } catch let error as CairoError {
                    // Name the figure and what made it so large, not only the scene's size.
                    throw RenderError.badOption("cannot draw figure \(figure.name).\(format.rawValue) of \(history.runs.count) runs "
                        + "(\(history.spec.networks.count) networks × \(history.spec.seeds.count) seeds): \(error)")
                }
                try AtomicFile.write(bytes, to: figureURLs[i - pdf])
            }
        }
        // Back in job order: the PDF, then figures in catalog order.
        var results = started
        for (k, i) in order.enumerated() { results[i] = started[k] }
        if pdf == 1 {
            try results[0].get()
            written.append(reportURL)
        }
        // The first failure in catalog order is the one reported.
        for (i, url) in figureURLs.enumerated() {
            _ = try results[pdf + i].get()
            written.append(url)
        }
        return written
    }

    /// The size and split of the spec's data set (first seed's split), or nil if it cannot be loaded.
    public static func dataSummary(_ spec: ExperimentSpec, folder: URL?) -> DataSummary? {
        // An imported log names no data set.
        if spec.importedFrom != nil { return nil }
        return dataSummary(spec, split: try? spec.loadData(seed: spec.seeds.first ?? 0, relativeTo: folder))
    }

    /// The size and split of `split`, the spec's data set (first seed); nil without one or for an imported log.
    public static func dataSummary(_ spec: ExperimentSpec, split: DataSplit?) -> DataSummary? {
        guard spec.importedFrom == nil, let split else { return nil }
        let name: String
        switch spec.dataset {
        case .digits: name = "digits"
        case .spirals: name = "spirals"
        case .csv(let path, _): name = URL(fileURLWithPath: path).lastPathComponent
        }
        return DataSummary(name: name, examples: split.train.count + split.test.count, features: split.train.featureCount,
                           classes: split.train.classCount, trainCount: split.train.count, testCount: split.test.count)
    }

    static func createFolder(_ folder: URL) throws {
        // Not once the process is ending at once: the folder would outlive it.
        guard WriteGate.enter() else { throw CancellationError() }
        defer { WriteGate.leave() }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw RenderError.badOption("cannot create output folder \(folder.path)")
        }
    }
}

/// The specs built into vanish, one line each, for `vanish presets`.
public enum PresetList {
    public static func lines() -> [String] {
        let specs = ExperimentSpec.presets
        let nameWidth = specs.map(\.name.count).max() ?? 0
        return specs.map { spec in
            let length = spec.steps.map { "\($0) steps" } ?? spec.epochs.map { "\($0) epochs" } ?? ""
            let networks = spec.networks.map(\.name).joined(separator: ", ")
            return spec.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + "  \(spec.title): \(networks); \(spec.depths.map { "depths " + $0.map(String.init).joined(separator: ", ") } ?? "depth \(spec.depth)"), width \(spec.width), \(length)"
        }
    }
}
