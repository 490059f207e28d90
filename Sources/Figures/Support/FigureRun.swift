import GradientData
import Graphics

/// One run as the figures present it: its label, its colour and a file-safe name.
public struct FigureRun: Hashable, Sendable {
    /// The recorded run.
    public let run: RunHistory
    /// `sigmoid`, or `sigmoid (seed 3)` when a network has several seeds.
    public let label: String
    /// The label made safe for file names (`sigmoid-batchnorm`, `sigmoid-seed3`), unique in the history.
    public let fileName: String
    /// The network's position in the history's network order; picks its colour.
    public let colorIndex: Int

    public init(run: RunHistory, label: String, fileName: String, colorIndex: Int) {
        self.run = run
        self.label = label
        self.fileName = fileName
        self.colorIndex = colorIndex
    }

    /// The runs of `history` in its order, each with a label, a unique file name and a colour index.
    ///
    /// A network keeps one colour in every figure: the index of its name among the spec's
    /// networks (then among names first seen in the runs).
    public static func all(in history: GradientHistory) -> [FigureRun] {
        var names = history.spec.networks.map(\.name)
        for run in history.runs where !names.contains(run.network) { names.append(run.network) }
        // Counted and looked up by hash: a history may hold tens of thousands of runs.
        var runsPerNetwork: [String: Int] = [:]
        for run in history.runs { runsPerNetwork[run.network, default: 0] += 1 }
        var colorIndex: [String: Int] = [:]
        for (i, name) in names.enumerated() where colorIndex[name] == nil { colorIndex[name] = i }
        var used: Set<String> = []
        return history.runs.map { run in
            let several = (runsPerNetwork[run.network] ?? 0) > 1
            let label = several ? "\(run.network) (seed \(run.seed))" : run.network
            let base = String(sanitizedFileName(run.network).prefix(maxFileNameLength))
            var file = several ? sanitizedFileName("\(base)-seed\(run.seed)") : base
            if used.contains(file) {
                var n = 2
                while used.contains("\(file)-\(n)") { n += 1 }
                file = "\(file)-\(n)"
            }
            used.insert(file)
            return FigureRun(run: run, label: label, fileName: file, colorIndex: colorIndex[run.network] ?? 0)
        }
    }

    /// The longest network part of a figure's file name: with its prefix (`filmstrip-`), seed and
    /// extension it stays far below the 255 bytes a file name may have, whatever a history holds.
    public static let maxFileNameLength = 100

    /// `name` lower-cased with every run of characters other than `a-z 0-9 . _` replaced by `-`
    /// (`"sigmoid+BatchNorm"` → `"sigmoid-batchnorm"`); `"network"` if nothing is left.
    public static func sanitizedFileName(_ name: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "_"
                || (scalar == "." && !out.isEmpty)
            if ok {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        while out.hasSuffix(".") { out.removeLast() }
        return out.isEmpty ? "network" : out
    }
}

extension RunHistory {
    /// The number of recorded rows usable for per-layer figures (steps with a row of `weightGradNorm`).
    var recordedCount: Int { min(steps.count, stats.weightGradNorm.count) }

    /// The index of the recorded step nearest to `fraction` (0…1) of the way from the first to the last step.
    public func recordedIndex(atFraction fraction: Double) -> Int? {
        let n = recordedCount
        guard n > 0 else { return nil }
        let first = Double(steps[0]), last = Double(steps[n - 1])
        let target = first + min(max(fraction, 0), 1) * (last - first)
        var best = 0
        for i in 0..<n where abs(Double(steps[i]) - target) < abs(Double(steps[best]) - target) { best = i }
        return best
    }

    /// The value of `stat` at recorded row `index` and layer `layer`, NaN where the row is short.
    func value(_ stat: [[Float]], _ index: Int, _ layer: Int) -> Double {
        guard index >= 0, index < stat.count, layer >= 0, layer < stat[index].count else { return .nan }
        return Double(stat[index][layer])
    }

    /// The short label of layer `index`: `1`, `2`, … and `out` for a layer named `output`.
    func layerLabel(_ index: Int) -> String {
        if index == layers.count - 1, layers[index] == "output" { return "out" }
        return String(index + 1)
    }
}
