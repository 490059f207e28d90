import Foundation
import Figures
import GradientData

/// What one run's history shows, as numbers: the facts the report's sentences are built from.
public struct RunFinding: Hashable, Sendable {
    /// The network as the figures label it (`sigmoid`, `relu (seed 2)`).
    public var label: String
    public var colorIndex: Int
    public var settings: RunSettings
    /// Number of weight layers, output included.
    public var layerCount: Int
    public var finalLoss: Double?
    public var finalTestAccuracy: Double?
    public var bestTestAccuracy: Double?
    /// ‖dL/dW₁‖ / ‖dL/dW_out‖ at step 0 and at the last recorded step.
    public var ratioAtStart: Double?
    public var ratioAtEnd: Double?
    /// Share of hidden units saturated (sigmoid, tanh) or dead (relu), averaged over the hidden layers, at the last recorded step.
    public var saturatedAtEnd: Double?
    public var deadAtEnd: Double?
    public var diverged: Int?
    /// With clipping: how many recorded steps had a gradient norm (weights and biases) above the limit,
    /// and the first step that did not; nil without clipping or without bias norms.
    public var clipping: ClippingFinding?

    public init(
        label: String, colorIndex: Int, settings: RunSettings, layerCount: Int, finalLoss: Double?,
        finalTestAccuracy: Double?, bestTestAccuracy: Double?, ratioAtStart: Double?, ratioAtEnd: Double?,
        saturatedAtEnd: Double?, deadAtEnd: Double?, diverged: Int?, clipping: ClippingFinding? = nil
    ) {
        self.label = label
        self.colorIndex = colorIndex
        self.settings = settings
        self.layerCount = layerCount
        self.finalLoss = finalLoss
        self.finalTestAccuracy = finalTestAccuracy
        self.bestTestAccuracy = bestTestAccuracy
        self.ratioAtStart = ratioAtStart
        self.ratioAtEnd = ratioAtEnd
        self.saturatedAtEnd = saturatedAtEnd
        self.deadAtEnd = deadAtEnd
        self.diverged = diverged
        self.clipping = clipping
    }

    /// The average factor per layer at step 0, as `factorPerLayerAtEnd` at the end.
    public var factorPerLayerAtStart: Double? {
        guard let r = ratioAtStart, r.isFinite, r > 0, layerCount > 1 else { return nil }
        return pow(r, 1 / Double(layerCount - 1))
    }

    /// The average factor by which the gradient shrinks (< 1) or grows (> 1) per layer at the end:
    /// the geometric mean `ratioAtEnd^(1 / (layers − 1))`.
    public var factorPerLayerAtEnd: Double? {
        guard let r = ratioAtEnd, r.isFinite, r > 0, layerCount > 1 else { return nil }
        return pow(r, 1 / Double(layerCount - 1))
    }

    /// How the gradient reaching layer 1 compares with the output layer's at the end.
    public var gradientFate: GradientFate { GradientFate(ratio: ratioAtEnd) }

    /// Whether the network is a plain sigmoid (no batch norm, no residual connections).
    public var isPlainSigmoid: Bool { settings.activation == .sigmoid && !settings.batchNorm && !settings.residual }
}

/// How often clipping by norm was at work in a run, from its recorded weight and bias gradient norms.
public struct ClippingFinding: Hashable, Sendable {
    /// The limit (`clipNorm`).
    public var limit: Double
    /// Recorded steps whose gradient norm exceeded the limit, and all recorded steps.
    public var clippedSteps: Int
    public var recordedSteps: Int
    /// The gradient norm at step 0.
    public var normAtStart: Double
    /// The first recorded step whose norm stayed within the limit, if any.
    public var firstUnclippedStep: Int?

    /// The clipping of `run`, or nil without `clipNorm` or bias gradients (the norm needs both).
    ///
    /// Batch norm's own parameters are not recorded, so with batch norm the norm is a lower bound.
    public init?(_ run: RunHistory) {
        guard let limit = run.settings.clipNorm else { return nil }
        let w = run.stats.weightGradNorm, b = run.stats.biasGradNorm
        let rows = min(w.count, b.count, run.steps.count)
        guard rows > 0 else { return nil }
        let norms = (0..<rows).map { i in
            zip(w[i], b[i]).reduce(0.0) { $0 + Double($1.0) * Double($1.0) + Double($1.1) * Double($1.1) }.squareRoot()
        }
        self.limit = limit
        clippedSteps = norms.filter { $0 > limit }.count
        recordedSteps = rows
        normAtStart = norms[0]
        firstUnclippedStep = norms.firstIndex { $0 <= limit }.map { run.steps[$0] }
    }
}

/// How much of the output layer's gradient reaches the first layer.
public enum GradientFate: Hashable, Sendable {
    /// Below `vanishedBelow` (or exactly 0): the first layer effectively stops learning.
    case vanished
    /// Between `vanishedBelow` and `healthyAbove`: weakened, but it still arrives.
    case weakened
    /// Within two decades of the output layer's, either way.
    case healthy
    /// Above `explodedAbove`.
    case exploded
    /// Missing, zero or not a finite number.
    case unknown

    /// Four decades lost: the first layer's updates are ten thousand times smaller than the last's.
    public static let vanishedBelow = 1e-4
    public static let healthyAbove = 1e-2
    public static let explodedAbove = 1e2

    /// A ratio of exactly 0 (layer 1's gradient underflowed while the output layer's did not) has vanished.
    public init(ratio: Double?) {
        guard let r = ratio, r.isFinite, r >= 0 else {
            self = .unknown
            return
        }
        if r < Self.vanishedBelow { self = .vanished }
        else if r < Self.healthyAbove { self = .weakened }
        else if r <= Self.explodedAbove { self = .healthy }
        else { self = .exploded }
    }
}

/// Whether a run learned, compared with guessing.
public enum LearningOutcome: Hashable, Sendable {
    /// Within a tenth of the way from chance to perfect.
    case chance
    case partly
    /// At least halfway from chance to perfect.
    case learned
    case unknown

    public init(accuracy: Double?, chance: Double?) {
        guard let a = accuracy, a.isFinite else {
            self = .unknown
            return
        }
        let c = chance ?? 0
        if a < c + 0.1 * (1 - c) { self = .chance }
        else if a >= c + 0.5 * (1 - c) { self = .learned }
        else { self = .partly }
    }
}

/// The findings of a whole history: one per run, in the history's order.
public struct Findings: Hashable, Sendable {
    public var runs: [RunFinding]
    /// The accuracy of guessing (1 / classes), when the number of classes is known.
    public var chance: Double?
    public var classes: Int?
    /// The gradient log the history was imported from; nil when vanish trained it.
    public var importedFrom: String?

    public init(runs: [RunFinding], classes: Int?) {
        self.runs = runs
        self.classes = classes
        self.chance = classes.flatMap { $0 > 0 ? 1 / Double($0) : nil }
    }

    /// The findings of `history`; the numbers agree with the summary table's.
    public init(history: GradientHistory, data: DataSummary?) {
        let figureRuns = FigureRun.all(in: history)
        let rows = SummaryTable.rows(figureRuns)
        let runs = zip(figureRuns, rows).map { fr, row -> RunFinding in
            let run = fr.run
            let count = max(run.layers.count, run.stats.weightGradNorm.first?.count ?? 0)
            let best = run.testAccuracy.map(Double.init).filter(\.isFinite).max()
            return RunFinding(
                label: fr.label, colorIndex: fr.colorIndex, settings: run.settings, layerCount: count,
                finalLoss: row.finalLoss, finalTestAccuracy: row.finalTestAccuracy, bestTestAccuracy: best,
                ratioAtStart: row.firstToLastRatioAtStart, ratioAtEnd: row.firstToLastRatioAtEnd,
                saturatedAtEnd: Self.hiddenMean(run.stats.saturatedFraction.last, layers: count),
                deadAtEnd: Self.hiddenMean(run.stats.deadFraction.last, layers: count),
                diverged: run.diverged, clipping: ClippingFinding(run))
        }
        let classes = data?.classes ?? (history.spec.dataset == .digits && history.spec.importedFrom == nil ? 10 : nil)
        self.init(runs: runs, classes: classes)
        importedFrom = history.spec.importedFrom
    }

    /// The mean of a row's hidden layers (all but the last, the output layer); nil if none is finite.
    static func hiddenMean(_ row: [Float]?, layers: Int) -> Double? {
        guard let row, !row.isEmpty else { return nil }
        let hidden = row.prefix(max(1, min(row.count, layers) - 1)).map(Double.init).filter(\.isFinite)
        return hidden.isEmpty ? nil : hidden.reduce(0, +) / Double(hidden.count)
    }

    public func outcome(_ run: RunFinding) -> LearningOutcome {
        LearningOutcome(accuracy: run.finalTestAccuracy, chance: chance)
    }

    /// The runs that diverged.
    public var diverged: [RunFinding] { runs.filter { $0.diverged != nil } }
}
