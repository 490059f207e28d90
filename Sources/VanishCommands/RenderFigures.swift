import Foundation
import Figures
import GradientData
import Graphics
import TensorBoardImport

/// An output format of `vanish render`.
public enum FigureFormat: String, CaseIterable, Sendable {
    case png, svg, pdf

    /// Formats from a comma-separated list (`png,svg`), in the order given, without repeats.
    public static func parseList(_ text: String) throws -> [FigureFormat] {
        var out: [FigureFormat] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let format = FigureFormat(rawValue: name) else {
                throw RenderError.badOption("unknown format '\(name)' in --format; valid: png, svg, pdf")
            }
            if !out.contains(format) { out.append(format) }
        }
        return out
    }
}

/// A problem with the input or options of `vanish render`, worded for the user.
public enum RenderError: Error, CustomStringConvertible, Sendable {
    case badOption(String)
    case unreadableHistory(path: String, reason: String)
    /// A gradient log that cannot be imported; the text names the file and the line.
    case unreadableGradientLog(String)
    /// A TensorBoard log that cannot be imported; the text names the file and the byte offset.
    case unreadableTensorBoardLog(String)

    public var description: String {
        switch self {
        case .badOption(let message): return message
        case .unreadableHistory(let path, let reason): return "cannot read history \(path): \(reason)"
        case .unreadableGradientLog(let message): return "cannot import gradient log \(message)"
        case .unreadableTensorBoardLog(let message): return "cannot import TensorBoard log \(message)"
        }
    }
}

/// What `vanish render` is asked to do.
public struct RenderRequest: Sendable {
    public var historyPath: String
    public var outputFolder: String
    public var formats: [FigureFormat]
    /// Raster resolution of PNGs (72 = one pixel per point).
    public var dpi: Double
    /// How to read `historyPath` when it is a TensorBoard log.
    public var tensorBoard: TensorBoardImportOptions
    /// The figures' size, type scale and theme.
    public var appearance: FigureAppearance

    public init(historyPath: String, outputFolder: String, formats: [FigureFormat] = [.png], dpi: Double = 144,
                tensorBoard: TensorBoardImportOptions = TensorBoardImportOptions(), appearance: FigureAppearance = .standard) {
        self.appearance = appearance
        self.historyPath = historyPath
        self.outputFolder = outputFolder
        self.formats = formats
        self.dpi = dpi
        self.tensorBoard = tensorBoard
    }

    public static let dpiRange: ClosedRange<Double> = 36...1200

    /// Refuses a resolution outside `dpiRange`, quoting the value as it was given (35.9, not 36).
    public static func checkDPI(_ dpi: Double) throws {
        guard !dpiRange.contains(dpi) else { return }
        let given = dpi.isFinite && dpi.rounded() == dpi && abs(dpi) < 1e15 ? String(Int64(dpi)) : String(dpi)
        throw RenderError.badOption("--dpi \(given) is out of range; use 36 to 1200")
    }
}

/// Reads a history written by `vanish train` (`history.json`).
public enum HistoryInput {
    /// The history at `path`, or an error that names the file and what is wrong with it.
    ///
    /// A `.csv` file is a per-layer gradient log from any framework (`GradientLogImport`); a folder or
    /// an `events.out.tfevents.*` file is a TensorBoard log (`TensorBoardImport`), whose warnings
    /// (tags no rule reads, a file still being written) go to `warn`, one line each.
    public static func read(_ path: String, tensorBoard: TensorBoardImportOptions = TensorBoardImportOptions(),
                            warn: (String) -> Void = HistoryInput.printWarning) throws -> GradientHistory {
        if !GradientLogImport.isGradientLog(path), TensorBoardImport.isTensorBoardLog(path) {
            do {
                let imported = try TensorBoardImport.load(path, options: tensorBoard)
                imported.warnings.forEach(warn)
                return imported.history
            } catch let error as TensorBoardImportError {
                throw RenderError.unreadableTensorBoardLog(error.description)
            }
        }
        if GradientLogImport.isGradientLog(path) {
            do {
                return try GradientLogImport.load(contentsOf: URL(fileURLWithPath: path))
            } catch let error as GradientLogError {
                throw RenderError.unreadableGradientLog(error.description)
            }
        }
        do {
            return try GradientHistory.load(contentsOf: URL(fileURLWithPath: path))
        } catch let error as HistoryReadError {
            throw RenderError.unreadableHistory(path: path, reason: error.message)
        }
    }
}

extension HistoryInput {
    /// Writes `warning: LINE` to stderr.
    public static func printWarning(_ line: String) {
        FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
    }
}

/// `vanish render`: every figure of a history, one file per figure per format.
public enum RenderFigures {
    /// Turns a scene into the bytes of a file of `format` at `dpi`.
    public typealias Encoder = @Sendable (Scene, FigureFormat, Double) throws -> Data

    /// Writes every figure of the history, each atomically; returns the paths written, in order.
    ///
    /// Nothing is written when the history cannot be read or an option is wrong.
    /// Ctrl-C (`cancellation`) stops before the next figure and writes nothing (`Interrupted`).
    public static func run(_ request: RenderRequest, measurer: TextMeasurer, cancellation: CancellationFlag? = nil,
                           encode: Encoder) throws -> [String] {
        guard !request.formats.isEmpty else { throw RenderError.badOption("--format lists no format; valid: png, svg, pdf") }
        try RenderRequest.checkDPI(request.dpi)
        do { try request.appearance.validate() } catch { throw RenderError.badOption(error.description) }
        let history = try HistoryInput.read(request.historyPath, tensorBoard: request.tensorBoard)
        // Staged, so that a failure halfway leaves no new file in the folder.
        let output = try StagedOutput.prepare(URL(fileURLWithPath: request.outputFolder, isDirectory: true))
        var style = request.appearance.style()
        style.pixelsPerPoint = max(1, request.dpi / 72)
        var staged: [URL] = []
        do {
            for figure in FigureCatalog.figures(for: history, style: style, measurer: measurer) {
                for format in request.formats {
                    if cancellation?.isCancelled == true {
                        throw Interrupted(folder: request.outputFolder,
                                          notWritten: request.formats.map { output.destination.appendingPathComponent("*.\($0.rawValue)") })
                    }
                    let url = output.url("\(figure.name).\(format.rawValue)")
                    try AtomicFile.write(try encode(figure.scene, format, request.dpi), to: url)
                    staged.append(url)
                }
            }
            return try output.commit(staged, cancellation: cancellation).map(\.path)
        } catch {
            output.discard()
            throw error
        }
    }
}
