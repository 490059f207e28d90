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
        if runs.contains(where: { $0.time != nil }) { return recurrentCSVData() }
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

    /// The columns of a recurrent history.csv: the run, the step, the time step, then the per-time-step tables.
    public static let recurrentCSVHeader = ["network", "seed", "step", "timeStep"] + TimeStepRecord.names

    /// A recurrent history.csv: one row per (network, seed, step, timeStep); a table a cell does not
    /// record (LSTM's ‖∂L/∂c_t‖ for a GRU) leaves its column empty.
    ///
    /// With time buckets, `timeStep` is the bucket's first time step; per-parameter statistics live in history.json.
    func recurrentCSVData() -> Data {
        var out: [UInt8] = []
        out.append(contentsOf: Self.recurrentCSVHeader.joined(separator: ",").utf8)
        out.append(UInt8(ascii: "\n"))
        for run in runs {
            guard let time = run.time else { continue }
            let network = Self.csvField(run.network)
            let tables = TimeStepRecord.names.map { time[$0] ?? [] }
            for (row, step) in run.steps.enumerated() {
                let prefix = "\(network),\(run.seed),\(step),"
                for (bucket, timeStep) in time.timeSteps.enumerated() {
                    out.append(contentsOf: prefix.utf8)
                    out.append(contentsOf: String(timeStep).utf8)
                    for table in tables {
                        out.append(UInt8(ascii: ","))
                        if row < table.count, bucket < table[row].count {
                            out.append(contentsOf: NumberText.float(table[row][bucket]).utf8)
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
