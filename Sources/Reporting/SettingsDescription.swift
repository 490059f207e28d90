import Foundation
import Figures
import GradientData

/// The exact settings of an experiment in words: shared settings first, then what each network sets.
public enum SettingsDescription {
    /// A decimal as written in the spec, locale-independent (`0.01`, `0.9`, `1×10⁻⁵`).
    public static func decimal(_ x: Double) -> String {
        guard x.isFinite else { return NumberFormat.fixed(x, digits: 0) }
        if x != 0 && abs(x) < 1e-3 { return NumberFormat.scientific(x, digits: 0) }
        var s = "\(x)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    public static func optimizer(_ o: OptimizerSpec) -> String {
        switch o.kind {
        case .sgd:
            var s = "SGD, learning rate \(decimal(o.learningRate))"
            if let m = o.momentum, m != 0 { s += ", momentum \(decimal(m))" } else { s += ", no momentum" }
            return s
        case .adam:
            return "Adam, learning rate \(decimal(o.learningRate)), β₁ \(decimal(o.beta1 ?? 0.9)), β₂ \(decimal(o.beta2 ?? 0.999)), ε \(decimal(o.epsilon ?? 1e-8))"
        }
    }

    public static func initialization(_ i: Initialization) -> String {
        switch i {
        case .xavierNormal: return "Xavier normal"
        case .heNormal: return "He normal"
        case .nielsen: return "Nielsen (N(0, 1/fan-in), N(0, 1) biases)"
        case .variances(let v):
            return "by variances: σ_w² \(decimal(v.weightVariance)) (W ~ N(0, σ_w²/fan-in)), σ_b² \(decimal(v.biasVariance))"
        }
    }

    /// The initialisation with its gain, when there is one: "He normal × 2".
    public static func initialization(_ s: RunSettings) -> String {
        initialization(s.`init`) + (s.initGain.map { $0 == 1 ? "" : " × \(decimal($0))" } ?? "")
    }

    public static func dataset(_ d: DatasetSpec, _ data: DataSummary?) -> String {
        var s: String
        switch d {
        case .digits: s = "UCI handwritten digits (8×8 images)"
        case .spirals: s = "two interleaved spirals"
        case .csv(let path, let label): s = "CSV \(URL(fileURLWithPath: path).lastPathComponent) (label column \(label))"
        }
        if let data {
            s += ": \(data.examples) examples, \(data.features) inputs, \(data.classes) classes; "
                + "\(data.trainCount) for training, \(data.testCount) for testing"
        }
        return s
    }

    /// The training length of a run: "30 epochs (6750 steps)" or "500 steps".
    public static func length(epochs: Int?, steps: Int) -> String {
        if let e = epochs { return "\(Phrases.count(e, "epoch")) (\(Phrases.count(steps, "step")))" }
        return Phrases.count(steps, "step")
    }

    /// The settings every network shares, as (label, value) pairs.
    ///
    /// An imported log's settings are what the log shows; its training settings are unknown and not claimed.
    public static func shared(_ history: GradientHistory, data: DataSummary?) -> [(String, String)] {
        let spec = history.spec
        if let file = spec.importedFrom { return imported(history, file: file) }
        var out: [(String, String)] = [("Data", spec.task.map(task) ?? dataset(spec.dataset, data))]
        if spec.isRecurrent {
            out.append(("Networks", "one recurrent layer (cell below), h₀ = 0, then a linear readout of the last hidden state"))
        } else if let depths = spec.depths {
            out.append(("Networks", "\(depths.map(String.init).joined(separator: ", ")) hidden layers of \(spec.width) units (each network at every depth), then a softmax output layer"))
        } else {
            out.append(("Networks", "\(spec.depth) hidden layers of \(spec.width) units, then a softmax output layer"))
        }
        out.append(("Optimiser", optimizer(spec.optimizer)))
        out.append(("Batch size", "\(spec.batchSize)"))
        if let first = history.runs.first {
            let stepsShared = history.runs.allSatisfy { $0.settings.steps == first.settings.steps && $0.settings.epochs == first.settings.epochs }
            out.append(("Training", stepsShared ? length(epochs: first.settings.epochs, steps: first.settings.steps)
                                                : (spec.steps.map { Phrases.count($0, "step") } ?? spec.epochs.map { Phrases.count($0, "epoch") } ?? "—")))
        }
        out.append(("Gradient clipping", spec.clipNorm.map { "by norm, at \(decimal($0))" } ?? "none"))
        out.append(("Seeds", spec.seeds.map(String.init).joined(separator: ", ") + (spec.seeds.count > 1 ? " (one run per network and seed)" : "")))
        if spec.isRecurrent {
            out.append(("Recorded", (spec.recordEvery == 1 ? "every step" : "every \(spec.recordEvery)th step")
                + ": ‖∂L/∂hₜ‖ at every time step, gates, saturation; the test metric 26 times"))
        } else if let kept = history.runs.first?.settings.recordedSteps {
            // A sweep keeps a summary of each run, so that thousands of runs stay small.
            out.append(("Recorded", "a summary of each run: every layer's ‖dL/dW‖, the loss and batch accuracy at steps "
                + Phrases.list(kept.map(String.init)) + " (of the first run); test accuracy after every epoch"))
        } else {
            out.append(("Recorded", spec.recordEvery == 1 ? "every layer at every step" : "every layer at every \(spec.recordEvery)th step"))
        }
        return out
    }

    /// A sequence task in words.
    public static func task(_ task: SequenceTask) -> String {
        switch task.kind {
        case .adding:
            return "adding task: \(task.length) steps of (value ~ U(0, 1), marker), one marked value in each half; target: their sum (MSE); "
                + "fresh training sequences every step, 1000 fixed test sequences"
        case .digitsSequence:
            return "digits read as sequences: 64 pixels, one per step (value / 16); 10 classes, the digits' 80/20 split"
        }
    }

    /// The rows of a recurrent history's network table: name, cell, hidden, initialisation, forget bias.
    public static func recurrentRows(_ history: GradientHistory) -> [(network: String, colorIndex: Int, cells: [String], diverged: [Int])] {
        FigureRun.all(in: history).compactMap { r in
            guard let recurrent = r.run.settings.recurrent else { return nil }
            let cell = ["tanh": "tanh (Elman)", "relu": "relu (Elman)", "lstm": "LSTM", "gru": "GRU"][recurrent.cell.rawValue] ?? recurrent.cell.rawValue
            return (r.run.network, r.colorIndex,
                    [r.label, cell, "\(recurrent.hidden)", recurrent.`init`.rawValue,
                     recurrent.forgetBias.map(decimal) ?? (recurrent.cell == .lstm ? "0" : "—")],
                    r.run.diverged.map { [$0] } ?? [])
        }
    }

    /// The statistics a run's log holds, in `history.csv`'s column order, then `loss` and `trainAccuracy`.
    public static func recordedStatistics(_ run: RunHistory) -> [String] {
        LayerStats.names.filter { !(run.stats[$0] ?? []).isEmpty }
            + (run.loss.isEmpty ? [] : ["loss"]) + (run.trainAccuracy.isEmpty ? [] : ["trainAccuracy"])
    }

    /// "steps 0 to 459 (460 logged)".
    public static func loggedSteps(_ run: RunHistory) -> String {
        guard let first = run.steps.first, let last = run.steps.last else { return "none" }
        return first == last ? "step \(first)" : "steps \(first) to \(last) (\(run.steps.count) logged)"
    }

    /// "inp, hidden.0, …, out": the first two and the last layer names, or all of up to four.
    public static func layerNames(_ layers: [String]) -> String {
        guard layers.count > 4, let last = layers.last else { return layers.joined(separator: ", ") }
        return "\(layers[0]), \(layers[1]), …, \(last)"
    }

    static func imported(_ history: GradientHistory, file: String) -> [(String, String)] {
        var out: [(String, String)] = [("Source", "\(file): a per-layer gradient log, imported")]
        let layerCounts = history.runs.map(\.layers.count)
        if let lo = layerCounts.min(), let hi = layerCounts.max() {
            out.append(("Networks", lo == hi ? "\(Phrases.count(lo, "weight layer")) each; the last is taken as the output layer"
                                             : "\(lo) to \(hi) weight layers; the last of each is taken as the output layer"))
        }
        if let first = history.runs.first {
            let same = history.runs.allSatisfy { $0.steps == first.steps }
            out.append(("Logged", same ? loggedSteps(first) : "see the table below"))
            let stats = Set(history.runs.map(recordedStatistics))
            out.append(("Statistics", stats.count == 1 ? recordedStatistics(first).joined(separator: ", ") : "see the table below"))
        }
        out.append(("Training", "not in the log: data, activations, optimiser and initialisation are unknown to vanish"))
        return out
    }

    /// One row per run of an imported log: network, seed, layers, steps logged, statistics.
    public static func importedRows(_ history: GradientHistory) -> [(colorIndex: Int, cells: [String], diverged: Int?)] {
        FigureRun.all(in: history).map { r in
            (r.colorIndex, [r.label, "\(r.run.layers.count): " + layerNames(r.run.layers), loggedSteps(r.run), recordedStatistics(r.run).joined(separator: ", ")],
             r.run.diverged)
        }
    }

    /// What each network of the history sets: one row per network (first run of each).
    public static func networkRows(_ history: GradientHistory) -> [(network: String, colorIndex: Int, cells: [String], diverged: [Int])] {
        let runs = FigureRun.all(in: history)
        var seen: [String] = []
        var out: [(network: String, colorIndex: Int, cells: [String], diverged: [Int])] = []
        let spec = history.spec
        // A sweep's runs (`sigmoid depth 10`) are listed once per network, under the network's own name.
        let family = { (run: RunHistory) in
            spec.sweepPoint(of: run.network).map { spec.networks[$0.network].name }
                ?? spec.sweptNetworkIndex(of: run).map { spec.networks[$0].name } ?? run.network
        }
        for r in runs where !seen.contains(family(r.run)) {
            let name = family(r.run)
            seen.append(name)
            let s = r.run.settings
            var other: [String] = []
            if let sweep = spec.sweep {
                other.append("swept: " + sweep.axes.map { "\($0.key.rawValue) (\($0.values.count) values)" }.joined(separator: " × "))
            } else if s.depth != spec.depth && spec.depths == nil { other.append("depth \(s.depth)") }
            if s.width != spec.width { other.append("width \(s.width)") }
            if s.batchSize != spec.batchSize { other.append("batch \(s.batchSize)") }
            if s.optimizer != spec.optimizer { other.append(optimizer(s.optimizer)) }
            if s.clipNorm != spec.clipNorm { other.append(s.clipNorm.map { "clip at \(decimal($0))" } ?? "no clipping") }
            if s.recordEvery != spec.recordEvery { other.append("recorded every \(s.recordEvery)") }
            let lengths = history.runs.filter { $0.network == r.run.network }
            if let any = lengths.first, history.runs.contains(where: { $0.settings.steps != any.settings.steps }) {
                other.append(length(epochs: s.epochs, steps: s.steps))
            }
            let diverged = history.runs.filter { family($0) == name }.compactMap(\.diverged)
            out.append((name, spec.networks.firstIndex { $0.name == name } ?? r.colorIndex,
                        [name, s.activation.rawValue, s.batchNorm ? "yes" : "no", s.residual ? "yes" : "no",
                         initialization(s), other.isEmpty ? "—" : other.joined(separator: ", ")],
                        diverged))
        }
        return out
    }

    /// One line describing a run's architecture: "sigmoid, batch norm, Xavier normal init, 20 × 64".
    public static func architecture(_ s: RunSettings) -> String {
        if let recurrent = s.recurrent {
            return "\(recurrent.cell.rawValue) cell · \(recurrent.hidden) hidden units · \(recurrent.`init`.rawValue) initialisation · seed \(s.seed)"
        }
        if let file = s.importedFrom {
            return "imported from \(file) · \(Phrases.count(s.depth + 1, "weight layer")) · seed \(s.seed)"
        }
        var parts = ["\(s.activation.rawValue) activations"]
        if s.batchNorm { parts.append("batch normalisation") }
        if s.residual { parts.append("residual connections") }
        parts.append("\(initialization(s)) initialisation")
        parts.append("\(s.depth) hidden layers × \(s.width) units")
        parts.append("seed \(s.seed)")
        return parts.joined(separator: " · ")
    }
}
