import Foundation

extension GradientHistory {
    /// The columns of `history.csv`: the run, the step, the layer, then the eight statistics.
    public static let csvHeader = ["network", "seed", "step", "layer"] + LayerStats.names

    /// `history.csv`: a header, then one row per (network, seed, step, layer), runs in history order.
    ///
    /// When a run is bucketed, `step` is the bucket's first step and two more columns follow:
    /// `weightGradNormMin` and `weightGradNormMax` of the bucket (empty for unbucketed runs).
    ///
    /// Numbers use the same fixed text as history.json (`NumberText`); names containing a comma or
    /// a quote are quoted as RFC 4180 says.
    public func csvData() -> Data {
        var out: [UInt8] = []
        let bucketed = runs.contains { !$0.stats.weightGradNormMin.isEmpty }
        let header = Self.csvHeader + (bucketed ? ["weightGradNormMin", "weightGradNormMax"] : [])
        out.append(contentsOf: header.joined(separator: ",").utf8)
        out.append(UInt8(ascii: "\n"))
        for run in runs {
            let network = Self.csvField(run.network)
            var tables = LayerStats.names.map { run.stats[$0] ?? [] }
            if bucketed { tables += [run.stats.weightGradNormMin, run.stats.weightGradNormMax] }
            for (row, step) in run.steps.enumerated() {
                let prefix = "\(network),\(run.seed),\(step),"
                for (layerIndex, layer) in run.layers.enumerated() {
                    out.append(contentsOf: prefix.utf8)
                    out.append(contentsOf: Self.csvField(layer).utf8)
                    for table in tables {
                        out.append(UInt8(ascii: ","))
                        if row < table.count, layerIndex < table[row].count {
                            out.append(contentsOf: NumberText.float(table[row][layerIndex]).utf8)
                        }
                    }
                    out.append(UInt8(ascii: "\n"))
                }
            }
        }
        return Data(out)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
