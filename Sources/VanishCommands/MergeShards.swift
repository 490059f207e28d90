import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics

/// What `vanish merge` is asked to do.
public struct MergeRequest: Sendable {
    /// Shard folders (or their shard.json files), in any order.
    public var shards: [String]
    /// Where the report goes; nil: `Reports/<spec name>/`.
    public var outputFolder: String?
    public var formats: [FigureFormat]
    public var dpi: Double
    /// The figures' size, type scale and theme, as for `vanish run`.
    public var appearance: FigureAppearance

    public init(shards: [String], outputFolder: String? = nil, formats: [FigureFormat] = RunRequest.defaultFormats,
                dpi: Double = CairoRenderer.defaultDPI, appearance: FigureAppearance = .standard) {
        self.appearance = appearance
        self.shards = shards
        self.outputFolder = outputFolder
        self.formats = formats
        self.dpi = dpi
    }
}

/// What `vanish merge` wrote.
public struct MergeResult: Sendable {
    public var history: GradientHistory
    /// Every file written, in the order `vanish run` lists them.
    public var written: [URL]
    /// A line for standard error when the shards' kernels can give different bits; else nil.
    public var warning: String?
}

/// `vanish merge`: checks a set of shard folders and writes the report folder of their spec, the
/// same bytes as `vanish run` of that spec on one machine.
public enum MergeShards {
    /// Reads the shards' manifests, checks that they are all of one spec's shards exactly once,
    /// reads their histories and writes the report folder (history.json, history.csv, report.pdf,
    /// figures) as `vanish run` does.
    ///
    /// - Throws: `ShardError` naming every foreign, repeated or missing shard; nothing is written then.
    public static func run(
        _ request: MergeRequest, status: (@Sendable (String) -> Void)? = nil, cancellation: CancellationFlag? = nil
    ) throws -> MergeResult {
        guard !request.formats.isEmpty else { throw RenderError.badOption("--format lists no format; valid: png, svg, pdf") }
        try RenderRequest.checkDPI(request.dpi)
        do { try request.appearance.validate() } catch { throw RenderError.badOption(error.description) }
        let folders = try request.shards.map(shardFolder)
        let members = try zip(request.shards, folders).map { source, folder in
            ShardSet.Member(source: source, manifest: try readManifest(in: folder, source: source))
        }
        let set = try ShardSet(members)
        let ordered = set.members.map { member in folders[request.shards.firstIndex(of: member.source) ?? 0] }
        status?("reading \(ordered.count) shard\(ordered.count == 1 ? "" : "s")")
        let historyFiles = ordered.map { $0.appendingPathComponent(TrainExperiment.shardFiles[0]) }
        let read = Concurrently.map(historyFiles.count) { i in
            Result { try HistoryInput.read(historyFiles[i].path) }
        }
        let histories = try read.map { try $0.get() }
        let history = try set.merge(histories, sources: historyFiles.map(\.relativePath))
        let destination = try request.outputFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? history.spec.defaultOutputFolder(source: historyFiles[0].relativePath)
        // The report's history.json would replace a shard's own.
        if let clash = folders.first(where: { $0.standardizedFileURL.path == destination.standardizedFileURL.path }) {
            throw OutputError("--out \(destination.relativePath) is a shard folder (\(clash.relativePath)); give the report a folder of its own")
        }
        let renderer = try CairoRenderer()
        let output = try StagedOutput.prepare(destination, subfolders: [RunReport.figureFolder],
                                              files: RunReport.plannedFiles(request.formats, figures: false))
        do {
            try RunReport.checkFigureTargets(output.destination, formats: request.formats)
        } catch {
            output.discard()
            throw error
        }
        let written = try RunReport.writeReportFolder(
            history, data: set.data, into: output, formats: request.formats, dpi: request.dpi, renderer: renderer,
            figureStyle: request.appearance.style(), status: status, cancellation: cancellation)
        return MergeResult(history: history, written: written, warning: set.kernelWarning)
    }

    /// The shard folder `argument` names: the folder itself, or the folder of its shard.json.
    static func shardFolder(_ argument: String) throws -> URL {
        let url = URL(fileURLWithPath: argument)
        if url.lastPathComponent == ShardManifest.fileName, StagedOutput.isRegularFile(url) {
            return url.deletingLastPathComponent()
        }
        guard StagedOutput.isDirectory(url) else {
            let what = StagedOutput.exists(url) ? "is not a folder" : "does not exist"
            throw ShardError("\(argument): \(what); merge takes the folders `vanish run SPEC --shard i/n` writes")
        }
        return URL(fileURLWithPath: argument, isDirectory: true)
    }

    /// The manifest of the shard in `folder`.
    static func readManifest(in folder: URL, source: String) throws -> ShardManifest {
        let file = folder.appendingPathComponent(ShardManifest.fileName)
        guard StagedOutput.exists(file) else {
            throw ShardError("\(source): not a shard folder (no \(ShardManifest.fileName); `vanish run SPEC --shard i/n` writes one)")
        }
        let data: Data
        do {
            data = try InputFile.read(file, maxBytes: 64 << 20)
        } catch {
            throw ShardError("\(file.relativePath): \(error.message)")
        }
        return try ShardManifest.decode(data, source: file.relativePath)
    }
}
