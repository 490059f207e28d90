import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import MLPTraining
import RecurrentTraining
import Reporting

/// A part of `vanish bench`, selectable with `--only`.
public enum BenchPart: String, CaseIterable, Sendable {
    case training, gemm, render, animation, memory, recurrent, shards

    /// Parts from a comma-separated list (`training,render`), in the order given, without repeats.
    public static func parseList(_ text: String) throws -> [BenchPart] {
        var out: [BenchPart] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let value = BenchPart(rawValue: name) else {
                let valid = allCases.map(\.rawValue).joined(separator: ", ")
                throw RenderError.badOption("unknown part '\(name)' in --only; valid: \(valid)")
            }
            if !out.contains(value) { out.append(value) }
        }
        return out
    }
}

/// What `vanish bench` is asked to measure.
public struct BenchRequest: Sendable {
    /// The spec to train and render: a spec file or a built-in name.
    public var specOrPreset: String
    /// How many times each measurement is repeated; the table shows the median.
    public var repeats: Int
    /// What to measure, in this order.
    public var parts: [BenchPart]
    /// Render this history.json instead of a freshly trained one (training is still timed if asked).
    public var historyPath: String?
    /// Resolution of the figure PNGs.
    public var dpi: Double
    /// What `tools/pytorch_through_time.py --steps 40` took for the recurrent part's work (seconds,
    /// measured on this machine); the recurrent row then says how many times faster vanish was.
    public var pytorchRecurrentSeconds: Double?

    public init(
        specOrPreset: String = "zoo", repeats: Int = 3, parts: [BenchPart] = BenchPart.allCases,
        historyPath: String? = nil, dpi: Double = CairoRenderer.defaultDPI, pytorchRecurrentSeconds: Double? = nil
    ) {
        self.specOrPreset = specOrPreset
        self.repeats = repeats
        self.parts = parts
        self.historyPath = historyPath
        self.dpi = dpi
        self.pytorchRecurrentSeconds = pytorchRecurrentSeconds
    }
}

/// One line of the bench table: a measured quantity, the median of its samples.
public struct BenchRow: Hashable, Sendable {
    /// `training`, `gemm`, `render`, `memory`.
    public var part: String
    /// What was measured (`zoo training`, `heatmap`, `report (22 PNG + PDF)`).
    public var name: String
    /// Every sample, in the order taken.
    public var samples: [Double]
    /// `s`, `ms`, `steps/s`, `GFLOP/s`, `MiB`.
    public var unit: String
    /// Digits after the point when printed.
    public var digits: Int
    /// Anything else worth knowing (`5 figures`, `52 % of peak`).
    public var note: String
    /// The processor time (all threads) of each timed sample, in `unit`; empty when not a time.
    ///
    /// On a shared machine wall time grows with other people's work; processor time much less.
    public var cpuSamples: [Double]

    public init(part: String, name: String, samples: [Double], unit: String, digits: Int, note: String = "", cpuSamples: [Double] = []) {
        self.part = part
        self.name = name
        self.samples = samples
        self.unit = unit
        self.digits = digits
        self.note = note
        self.cpuSamples = cpuSamples
    }

    /// The middle sample (the mean of the two middle ones for an even count); NaN without samples.
    public var median: Double { Bench.median(samples) }

    /// The median as printed: `digits` decimals, `-` without samples.
    public var medianText: String { Bench.number(median, digits) }
}

/// The result of `vanish bench`: rows in the order measured.
public struct BenchReport: Sendable {
    public var rows: [BenchRow]
    /// A line above the table: machine, spec and repeat count.
    public var heading: String

    /// The table as aligned text lines: part, what, median, unit, min–max, median processor time, note.
    public func lines() -> [String] {
        let header = ["part", "what", "median", "unit", "range", "cpu", "note"]
        let cells = rows.map { row -> [String] in
            let range = row.samples.count > 1
                ? "\(Bench.number(row.samples.min() ?? .nan, row.digits))–\(Bench.number(row.samples.max() ?? .nan, row.digits))"
                : ""
            let cpu = row.cpuSamples.isEmpty ? "" : Bench.number(Bench.median(row.cpuSamples), row.digits)
            return [row.part, row.name, row.medianText, row.unit, range, cpu, row.note]
        }
        let all = [header] + cells
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        // Numbers right-aligned, words left-aligned; the last column is not padded.
        let rightAligned: Set<Int> = [2, 4, 5]
        let format = { (row: [String]) -> String in
            var parts: [String] = []
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                if column == row.count - 1 { parts.append(cell) } else { parts.append(rightAligned.contains(column) ? pad + cell : cell + pad) }
            }
            return parts.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return [heading, format(header)] + cells.map(format)
    }
}

/// `vanish bench`: times training, matrix products, rendering, and reads the peak memory.
public enum Bench {
    /// Measures what `request` asks for; `status` hears what is being measured now.
    public static func run(_ request: BenchRequest, status: ((String) -> Void)? = nil) throws -> BenchReport {
        guard request.repeats >= 1 else { throw RenderError.badOption("--repeats must be at least 1, found \(request.repeats)") }
        guard !request.parts.isEmpty else { throw RenderError.badOption("--only lists nothing to measure") }
        try RenderRequest.checkDPI(request.dpi)
        if let seconds = request.pytorchRecurrentSeconds, !(seconds > 0 && seconds.isFinite) {
            throw RenderError.badOption("--pytorch-seconds must be a positive number of seconds, found \(seconds)")
        }
        let (spec, folder) = try TrainExperiment.resolveSpec(request.specOrPreset)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var rows: [BenchRow] = []
        var trained: GradientHistory?
        for part in request.parts {
            switch part {
            case .training:
                status?("training \(spec.name) \(request.repeats) times")
                let (history, timing) = try trainingRows(spec, folder: folder, threads: cores, repeats: request.repeats)
                trained = history
                rows += timing
            case .gemm:
                status?("matrix products")
                rows += gemmRows(repeats: request.repeats)
            case .render, .animation:
                let history: GradientHistory
                if let path = request.historyPath {
                    history = try HistoryInput.read(path)
                } else if let trained {
                    history = trained
                } else {
                    status?("training \(spec.name) once, for rendering")
                    history = try Experiment.run(spec, threads: cores, dataFolder: folder)
                    trained = history
                }
                if part == .render {
                    status?("rendering \(history.spec.name) \(request.repeats) times")
                    rows += try renderRows(history, data: RunReport.dataSummary(history.spec, folder: folder),
                                           dpi: request.dpi, repeats: request.repeats)
                } else {
                    status?("animating \(history.spec.name)'s first network \(request.repeats) times")
                    rows += try animationRows(history, dpi: request.dpi, repeats: request.repeats)
                }
            case .recurrent:
                status?("training the through-time networks for \(recurrentBenchSteps) steps \(request.repeats) times")
                rows.append(try recurrentRow(threads: cores, repeats: request.repeats,
                                             pytorchSeconds: request.pytorchRecurrentSeconds))
            case .shards:
                status?("training \(spec.name) in \(benchShardCount) shards and merging them \(request.repeats) times")
                rows += try shardRows(request.specOrPreset, spec: spec, repeats: request.repeats, dpi: request.dpi)
            case .memory:
                rows.append(BenchRow(part: "memory", name: "peak resident", samples: [peakResidentMiB()], unit: "MiB",
                                     digits: 1, note: "getrusage ru_maxrss, whole process so far"))
            }
        }
        let heading = "vanish bench: \(spec.name), \(cores) cores, BLAS \(blasCoreName), median of \(request.repeats)"
        return BenchReport(rows: rows, heading: heading)
    }

    // MARK: - Parts

    static func trainingRows(_ spec: ExperimentSpec, folder: URL?, threads: Int, repeats: Int) throws -> (GradientHistory, [BenchRow]) {
        var history: GradientHistory?
        let (seconds, cpu) = try samples(repeats) { history = try Experiment.run(spec, threads: threads, dataFolder: folder) }
        guard let history else { throw RenderError.badOption("training produced no history") }
        let steps = history.runs.reduce(0) { $0 + $1.settings.steps }
        let shape = "\(history.runs.count) runs, \(steps) steps, \(threads) threads"
        var rows = [
            BenchRow(part: "training", name: "\(spec.name) training", samples: seconds, unit: "s", digits: 3, note: shape, cpuSamples: cpu),
            BenchRow(part: "training", name: "\(spec.name) steps per second", samples: seconds.map { Double(steps) / $0 },
                     unit: "steps/s", digits: 0, note: "all runs together"),
        ]
        if threads > 1 {
            // Runs are whole units of work: with fewer runs left than cores, cores wait.
            rows.append(BenchRow(part: "training", name: "\(spec.name) core use", samples: zip(cpu, seconds).map { 100 * $0 / ($1 * Double(threads)) },
                                 unit: "%", digits: 0,
                                 note: "processor time / (wall time × \(threads) cores); \(history.runs.count) runs on \(threads) cores, each on one core"))
            rows.append(try parallelSpeedUp(spec, folder: folder, threads: threads, repeats: repeats))
        }
        return (history, rows)
    }

    /// The steps of the recurrent bench: `tools/pytorch_through_time.py --steps 40` does the same work.
    public static let recurrentBenchSteps = 40

    /// The through-time preset (tanh RNN, LSTM, GRU; adding, T = 100, hidden 64) cut to
    /// `recurrentBenchSteps` steps, recording everything, with the test MSE at every step.
    static func recurrentRow(threads: Int, repeats: Int, pytorchSeconds: Double?) throws -> BenchRow {
        var spec = ExperimentSpec.throughTime
        spec.steps = recurrentBenchSteps
        let (seconds, cpu) = try samples(repeats) { _ = try RecurrentExperiment.run(spec, threads: threads) }
        return BenchRow(part: "recurrent", name: "through-time training, \(recurrentBenchSteps) steps", samples: seconds, unit: "s",
                        digits: 3, note: recurrentNote(threads: threads, seconds: median(seconds), pytorchSeconds: pytorchSeconds),
                        cpuSamples: cpu)
    }

    /// What the recurrent row says beside its time: the work, and against PyTorch's time for it when
    /// one is given (`3 cells, …; PyTorch 85.7 s: 8.7× faster`).
    public static func recurrentNote(threads: Int, seconds: Double, pytorchSeconds: Double?) -> String {
        let work = "3 cells, T = 100, hidden 64, \(threads) threads"
        guard let pytorchSeconds else {
            return work + "; PyTorch: tools/pytorch_through_time.py --steps \(recurrentBenchSteps), then --pytorch-seconds"
        }
        let ratio = pytorchSeconds / seconds
        let comparison = ratio >= 1 ? "\(number(ratio, 1))× faster" : "\(number(1 / ratio, 1))× slower"
        return work + "; PyTorch \(number(pytorchSeconds, 1)) s: \(comparison)"
    }

    /// The spec reduced to `count` runs of equal work: its first network (first depth of a sweep)
    /// with seeds s, s + 1, …, s: the spec's first seed.
    static func equalRuns(_ spec: ExperimentSpec, count: Int) -> ExperimentSpec {
        var subset = spec
        subset.networks = [spec.networks[0]]
        subset.depths = spec.depths.map { [$0[0]] }
        subset.seeds = (0..<count).map { spec.seeds[0] + $0 }
        return subset
    }

    /// How much faster `threads` runs of equal work (`equalRuns`) train on `threads` cores than on one.
    ///
    /// Each sample is one `Experiment.run`, data loading included. Each repeat times one thread, then
    /// all, back to back, so both see the same load; the samples are the ratios.
    ///
    /// Where the machine's processor time can be read (Linux), the note also says how busy other
    /// processes kept the cores meanwhile: with two cores, any of it slows the parallel sample.
    static func parallelSpeedUp(_ spec: ExperimentSpec, folder: URL?, threads: Int, repeats: Int) throws -> BenchRow {
        let subset = equalRuns(spec, count: threads)
        var ratios: [Double] = [], one: [Double] = [], all: [Double] = [], others: [Double] = []
        var steps = 0
        for _ in 0..<repeats {
            var history: GradientHistory?
            let machineStart = machineProcessorSeconds(), ownStart = processorSeconds()
            let single = try samples(1) { history = try Experiment.run(subset, threads: 1, dataFolder: folder) }.wall[0]
            let parallel = try samples(1) { _ = try Experiment.run(subset, threads: threads, dataFolder: folder) }.wall[0]
            if let machineStart, let machineEnd = machineProcessorSeconds() {
                let other = max(0, machineEnd - machineStart - (processorSeconds() - ownStart))
                others.append(100 * other / ((single + parallel) * Double(ProcessInfo.processInfo.activeProcessorCount)))
            }
            steps = history?.runs.first?.settings.steps ?? 0
            one.append(single)
            all.append(parallel)
            ratios.append(single / parallel)
        }
        let seeds = subset.seeds.map(String.init)
        let seedList = seeds.count == 2 ? seeds.joined(separator: " and ") : seeds.joined(separator: ", ")
        var note = "\(subset.expandedNetworks[0].name), seeds \(seedList), \(steps) steps each, data loading included: "
            + "\(NumberFormat.fixed(median(one), digits: 3, typographicMinus: false)) s on 1 thread, "
            + "\(NumberFormat.fixed(median(all), digits: 3, typographicMinus: false)) s on \(threads)"
        if !others.isEmpty {
            note += "; other processes kept \(NumberText.fixed(median(others), digits: 0)) % of the cores busy meanwhile"
        }
        return BenchRow(part: "training", name: "speed-up, \(threads) runs on \(threads) cores", samples: ratios, unit: "x",
                        digits: 2, note: note)
    }

    /// The processor's single-core peak, then one layer's three training products per width and kernel.
    static func gemmRows(repeats: Int) -> [BenchRow] {
        let peak = (0..<repeats).map { _ in GEMMBenchmark.peakGFLOPS(repetitions: 1) }
        var rows = [BenchRow(part: "gemm", name: "peak, one core", samples: peak, unit: "GFLOP/s", digits: 1,
                             note: "\(GEMMBenchmark.vectorUnit) fused multiply-add loop")]
        let peakMedian = median(peak)
        for width in GEMMBenchmark.standardWidths {
            for kernel in MatrixKernel.available {
                var batch = 0
                let samples = (0..<repeats).map { _ in
                    let result = GEMMBenchmark.measure(width: width, kernel: kernel, repetitions: 1)
                    batch = result.batch
                    return result.gflops
                }
                let share = NumberText.fixed(100 * median(samples) / peakMedian, digits: 0)
                let used = kernel == MatrixKernel.training(m: batch, n: width, k: width) ? ", training's" : ""
                rows.append(BenchRow(part: "gemm", name: "width \(width), \(kernel.rawValue)", samples: samples, unit: "GFLOP/s",
                                     digits: 1, note: "\(share) % of peak; batch \(batch), forward + backward\(used)"))
            }
        }
        return rows
    }

    /// The figure kinds timed one by one, with the catalog kinds each covers.
    static let figureKinds: [(name: String, kinds: Set<FigureCatalog.Kind>)] = [
        ("heatmap", [.heatmap]),
        ("heatmaps (all networks)", [.heatmaps]),
        ("fading", [.fadingRun]),
        ("fading (all networks)", [.fading]),
        ("film strip", [.filmStrip]),
        ("profile", [.profile, .profileDelta]),
        ("curves", [.curves]),
        ("saturation", [.saturation]),
        ("summary", [.summary]),
    ]

    static func renderRows(_ history: GradientHistory, data: DataSummary?, dpi: Double, repeats: Int) throws -> [BenchRow] {
        let renderer = try CairoRenderer()
        let measurer = renderer.measurer
        var style = FigureStyle.standard
        style.pixelsPerPoint = max(1, dpi / 72)
        // Once untimed, so fonts and glyph caches are warm for every timed sample alike.
        _ = try FigureCatalog.figures(for: history, style: style, measurer: measurer).map { try renderer.png($0.scene, dpi: dpi) }

        var rows: [BenchRow] = []
        for kind in figureKinds {
            let count = FigureCatalog.figures(for: history, kinds: kind.kinds, style: style, measurer: measurer).count
            guard count > 0 else { continue }
            let (wall, cpu) = try samples(repeats, scale: 1000 / Double(count)) {
                for figure in FigureCatalog.figures(for: history, kinds: kind.kinds, style: style, measurer: measurer) {
                    _ = try renderer.png(figure.scene, dpi: dpi)
                }
            }
            rows.append(BenchRow(part: "render", name: kind.name, samples: wall, unit: "ms", digits: 1,
                                 note: "per figure, scene + PNG, one thread; \(count) figure\(count == 1 ? "" : "s")", cpuSamples: cpu))
        }

        let figureCount = FigureCatalog.figures(for: history, style: style, measurer: measurer).count
        let (sequential, sequentialCPU) = try samples(repeats, scale: 1000) {
            for figure in FigureCatalog.figures(for: history, style: style, measurer: measurer) { _ = try renderer.png(figure.scene, dpi: dpi) }
        }
        rows.append(BenchRow(part: "render", name: "all figures, one thread", samples: sequential, unit: "ms", digits: 1,
                             note: "\(figureCount) scenes + PNG", cpuSamples: sequentialCPU))
        let (parallel, parallelCPU) = samples(repeats, scale: 1000) {
            let figures = FigureCatalog.figures(for: history, style: style, measurer: measurer)
            DispatchQueue.concurrentPerform(iterations: figures.count) { i in _ = try? renderer.png(figures[i].scene, dpi: dpi) }
        }
        rows.append(BenchRow(part: "render", name: "all figures, all cores", samples: parallel, unit: "ms", digits: 1,
                             note: "\(figureCount) scenes + PNG", cpuSamples: parallelCPU))

        let pages = ReportBuilder.document(for: history, data: data, measurer: measurer).pages
        let (pdf, pdfCPU) = try samples(repeats, scale: 1000) {
            let document = ReportBuilder.document(for: history, data: data, measurer: measurer)
            _ = try renderer.pdf(pages: document.pages, metadata: PDFMetadata(title: document.title))
        }
        rows.append(BenchRow(part: "render", name: "report.pdf", samples: pdf, unit: "ms", digits: 1,
                             note: "\(pages.count) pages, one thread", cpuSamples: pdfCPU))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vanish-bench-\(UUID().uuidString)", isDirectory: true)
        // Removed at the end, or by the signal handler if the bench is stopped.
        StagedOutput.registerScratch(folder)
        defer {
            try? FileManager.default.removeItem(at: folder)
            StagedOutput.unregisterScratch(folder)
        }
        let (report, reportCPU) = try samples(repeats, scale: 1000) {
            _ = try RunReport.writeReport(history, data: data, to: folder, formats: [.pdf, .png], dpi: dpi, renderer: renderer)
        }
        rows.append(BenchRow(part: "render", name: "whole report", samples: report, unit: "ms", digits: 1,
                             note: "\(figureCount) PNG at \(NumberText.fixed(dpi, digits: 0)) dpi + report.pdf, written; all cores",
                             cpuSamples: reportCPU))
        return rows
    }

    /// The fading diagram of the history's first network animated over 60 frames, written as a GIF:
    /// scenes, Cairo frames, palette, giflib, file.
    static func animationRows(_ history: GradientHistory, dpi: Double, repeats: Int) throws -> [BenchRow] {
        guard let run = history.runs.first, !history.spec.isRecurrent else { return [] }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vanish-bench-\(UUID().uuidString)", isDirectory: true)
        StagedOutput.registerScratch(folder)
        defer {
            try? FileManager.default.removeItem(at: folder)
            StagedOutput.unregisterScratch(folder)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("fading.gif")
        func animate() throws -> FigureAnimation.Summary {
            try FigureAnimation.write(history: history, kind: .fading, network: run.network, seed: run.seed, frames: 60,
                                      to: url, dpi: dpi)
        }
        // Once untimed, so fonts and glyph caches are warm for every timed sample alike.
        let summary = try animate()
        let (wall, cpu) = try samples(repeats) { _ = try animate() }
        let size = NumberText.fixed(Double(summary.bytes) / 1e6, digits: 2)
        return [BenchRow(part: "animation", name: "fading GIF, \(summary.steps.count) frames", samples: wall, unit: "s", digits: 3,
                         note: "\(run.network), \(run.settings.depth) hidden layers, \(summary.width) × \(summary.height) px, \(size) MB; all cores",
                         cpuSamples: cpu)]
    }

    /// How many shards the shard rows split the spec into.
    public static let benchShardCount = 4

    /// What splitting costs: the spec trained in `benchShardCount` shards one after another against
    /// `vanish train` (one thread each, so only the per-shard work differs), and `vanish merge` of
    /// the shards against `vanish run --from-history` of the same history (both write the whole
    /// report folder).
    static func shardRows(_ specOrPreset: String, spec: ExperimentSpec, repeats: Int, dpi: Double) throws -> [BenchRow] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vanish-bench-\(UUID().uuidString)", isDirectory: true)
        StagedOutput.registerScratch(folder)
        defer {
            try? FileManager.default.removeItem(at: folder)
            StagedOutput.unregisterScratch(folder)
        }
        let count = benchShardCount
        let whole = folder.appendingPathComponent("whole").path
        let (plain, plainCPU) = try samples(repeats) {
            _ = try TrainExperiment.run(TrainRequest(specOrPreset: specOrPreset, outputFolder: whole, threads: 1))
        }
        let shardFolders = (0..<count).map { folder.appendingPathComponent("shards/\($0)").path }
        let (sharded, shardedCPU) = try samples(repeats) {
            for index in 0..<count {
                _ = try TrainExperiment.runShard(TrainRequest(specOrPreset: specOrPreset, outputFolder: shardFolders[index], threads: 1),
                                                 shard: try Shard(index: index, count: count))
            }
        }
        let perShard = (median(sharded) - median(plain)) / Double(count)
        let runs = "\(spec.runCount) run\(spec.runCount == 1 ? "" : "s")"
        let history = folder.appendingPathComponent("whole/history.json").path
        let report = folder.appendingPathComponent("report").path
        let (render, renderCPU) = try samples(repeats) {
            _ = try RunReport.run(RunRequest(outputFolder: report, historyPath: history, dpi: dpi))
        }
        let merged = folder.appendingPathComponent("merged").path
        let (merge, mergeCPU) = try samples(repeats) {
            _ = try MergeShards.run(MergeRequest(shards: shardFolders, outputFolder: merged, dpi: dpi))
        }
        let overhead = median(merge) - median(render)
        func ms(_ seconds: Double) -> String { NumberFormat.fixed(1000 * seconds, digits: 0, typographicMinus: false) }
        return [
            BenchRow(part: "shards", name: "train, one process", samples: plain, unit: "s", digits: 3,
                     note: "\(runs), one thread, history.json + history.csv written", cpuSamples: plainCPU),
            BenchRow(part: "shards", name: "train in \(count) shards, one after another", samples: sharded, unit: "s", digits: 3,
                     note: "one thread each, history.json + shard.json written; \(ms(perShard)) ms more per shard", cpuSamples: shardedCPU),
            BenchRow(part: "shards", name: "report from history.json", samples: render, unit: "s", digits: 3,
                     note: "vanish run --from-history: history read, report folder written", cpuSamples: renderCPU),
            BenchRow(part: "shards", name: "merge of \(count) shards", samples: merge, unit: "s", digits: 3,
                     note: "vanish merge: \(count) histories read and checked, the same folder written; \(ms(overhead)) ms more",
                     cpuSamples: mergeCPU),
        ]
    }

    // MARK: - Measuring

    /// Runs `body` `count` times; returns the wall-clock and processor seconds of each run, times `scale`.
    static func samples(_ count: Int, scale: Double = 1, _ body: () throws -> Void) rethrows -> (wall: [Double], cpu: [Double]) {
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processorSeconds()
            try body()
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 * scale)
            cpu.append((processorSeconds() - cpuStart) * scale)
        }
        return (wall, cpu)
    }

    /// Processor time used by every process on this machine since it started, in seconds: the
    /// user, system and interrupt time of /proc/stat's first line; nil where there is none.
    static func machineProcessorSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticks.count >= 7, ticksPerSecond > 0 else { return nil }
        // user, nice, system, idle, iowait, irq, softirq: all but idle and iowait.
        return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / ticksPerSecond
    }

    /// Processor time used by every thread of this process so far, in seconds.
    static func processorSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The middle of `samples` (the mean of the two middle ones for an even count); NaN when empty.
    public static func median(_ samples: [Double]) -> Double { GEMMBenchmark.median(samples) }

    /// The largest resident set this process has had, in MiB (Linux reports ru_maxrss in KiB).
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        #if os(macOS)
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #endif
    }

    /// `value` with `digits` decimals, locale-independent; `-` when there is no value.
    static func number(_ value: Double, _ digits: Int) -> String {
        value.isNaN ? "-" : NumberText.fixed(value, digits: digits)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
