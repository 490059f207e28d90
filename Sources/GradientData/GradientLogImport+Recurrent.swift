import Foundation

extension GradientLogImport {
    /// The columns a recurrent log must have, and those it may have.
    public static let recurrentRequiredColumns = ["network", "step", "timeStep", "hiddenGradNorm"]
    public static let recurrentOptionalColumns = ["seed", "cellGradNorm", "gateMean", "saturatedFraction"]

    /// Reads a recurrent log: one row per (network, seed, step, timeStep), every step with the same time steps.
    ///
    /// The runs' training settings are unknown: each gets an adding-task placeholder whose length is
    /// the last time step, and a cell read from what was logged (‖∂L/∂c_t‖: lstm; a gate without it:
    /// gru; else tanh), as an imported MLP log gets placeholders.
    static func readRecurrent(_ records: [CSVRecords.Record], names: [String], source: String,
                              fail: (Int?, String) -> GradientLogError) throws -> GradientHistory {
        let valid = recurrentRequiredColumns + recurrentOptionalColumns
        let headerLine = records.first?.line
        for (i, name) in names.enumerated() {
            if !valid.contains(name) {
                throw fail(headerLine, "unknown column '\(name)' in a recurrent log (valid: \(valid.joined(separator: ", ")))")
            }
            if names[..<i].contains(name) { throw fail(headerLine, "column '\(name)' appears twice") }
        }
        if let missing = recurrentRequiredColumns.first(where: { !names.contains($0) }) {
            throw fail(headerLine, "missing required column '\(missing)' (a recurrent log needs \(recurrentRequiredColumns.joined(separator: ", ")))")
        }
        guard records.count > 1 else { throw fail(nil, "no rows after the header") }
        let tableColumns = TimeStepRecord.names.map { names.firstIndex(of: $0) }

        struct Run {
            var network: String
            var seed: Int
            var steps: [Int] = []
            var timeSteps: [Int] = []
            var rows: [[[Float]]] = []  // [step][table][time bucket]
            var lines: [Int] = []
        }
        var runs: [Run] = []
        for record in records.dropFirst() {
            let line = record.line
            let f = record.fields
            guard f.count == names.count else { throw fail(line, "\(f.count) fields, expected \(names.count) (one per header column)") }
            func field(_ name: String) -> String { names.firstIndex(of: name).map { f[$0].trimmingCharacters(in: .whitespaces) } ?? "" }
            let network = field("network")
            if network.isEmpty { throw fail(line, "empty network name") }
            let step = try integer(field("step"), "step", line: line, fail: fail)
            let timeStep = try integer(field("timeStep"), "timeStep", line: line, fail: fail)
            if timeStep < 1 { throw fail(line, "timeStep must be 1 or more (1 = the first input), found 0") }
            let seed = names.contains("seed") ? try integer(field("seed"), "seed", line: line, fail: fail) : 0
            var values: [Float] = []
            for (k, index) in tableColumns.enumerated() {
                let value = try index.flatMap { try number(f[$0], TimeStepRecord.names[k], line: line, fail: fail) }
                if k == 0, value == nil { throw fail(line, "empty hiddenGradNorm (required on every row)") }
                values.append(value ?? .nan)
            }
            let r: Int
            if let found = runs.firstIndex(where: { $0.network == network && $0.seed == seed }) {
                r = found
            } else {
                runs.append(Run(network: network, seed: seed))
                r = runs.count - 1
            }
            if runs[r].steps.last != step {
                if let last = runs[r].steps.last, step < last {
                    throw fail(line, "\(network): step \(step) comes after step \(last); steps must not go backwards")
                }
                runs[r].steps.append(step)
                runs[r].rows.append(TimeStepRecord.names.map { _ in [] })
                runs[r].lines.append(line)
            }
            let row = runs[r].steps.count - 1
            let bucket = runs[r].rows[row][0].count
            if row == 0 {
                if let last = runs[r].timeSteps.last, timeStep <= last {
                    throw fail(line, "\(network), step \(step): timeStep \(timeStep) after \(last); time steps must increase")
                }
                runs[r].timeSteps.append(timeStep)
            } else if bucket >= runs[r].timeSteps.count || runs[r].timeSteps[bucket] != timeStep {
                throw fail(line, "\(network), step \(step): timeStep \(timeStep) where the first step had "
                    + (bucket < runs[r].timeSteps.count ? "\(runs[r].timeSteps[bucket])" : "no more time steps")
                    + "; every step needs the same time steps")
            }
            for k in values.indices { runs[r].rows[row][k].append(values[k]) }
        }
        let file = URL(fileURLWithPath: source).lastPathComponent
        let histories: [RunHistory] = try runs.map { run in
            if let short = run.rows.indices.first(where: { run.rows[$0][0].count != run.timeSteps.count }) {
                throw fail(run.lines[short], "\(run.network), step \(run.steps[short]) has \(run.rows[short][0].count) time steps, the first step \(run.timeSteps.count)")
            }
            func table(_ k: Int) -> [[Float]] {
                let recorded = run.rows.contains { $0[k].contains { !$0.isNaN } }
                return recorded ? run.rows.map { $0[k] } : []
            }
            let cellNorms = table(1), gates = table(2)
            let cell: RecurrentCell = !cellNorms.isEmpty ? .lstm : (!gates.isEmpty ? .gru : .tanh)
            let length = run.timeSteps.last ?? 1
            let perBucket = run.timeSteps.count > 1 ? run.timeSteps[1] - run.timeSteps[0] : 1
            var settings = RunSettings(
                network: run.network, activation: cell.activation, batchNorm: false, residual: false, depth: 1, width: 0,
                batchSize: 0, epochs: nil, steps: run.steps.last ?? 0, optimizer: placeholderOptimizer, init: .xavierNormal,
                clipNorm: nil, recordEvery: 1, seed: run.seed, importedFrom: file)
            settings.recurrent = RecurrentSettings(
                task: SequenceTask(kind: .adding, length: length), cell: cell, hidden: 0, init: .pytorch, forgetBias: nil,
                maxRecordedTimeSteps: run.timeSteps.count)
            let time = TimeStepRecord(
                timeSteps: run.timeSteps, timeStepsPerBucket: max(perBucket, 1), hiddenGradNorm: table(0), cellGradNorm: cellNorms,
                gateMean: gates, saturatedFraction: table(3), evaluationSteps: [], testMetric: [], recurrentSpectralNorm: [])
            return RunHistory(network: run.network, seed: run.seed, settings: settings, layers: [], steps: run.steps,
                              stats: LayerStats(weightGradNorm: run.steps.map { _ in [] }), loss: [], trainAccuracy: [],
                              testAccuracy: [], diverged: nil, time: time)
        }
        var spec = spec(for: histories, source: source)
        spec.task = SequenceTask(kind: .adding, length: histories.compactMap { $0.settings.recurrent?.task.length }.max() ?? 1)
        for (i, network) in spec.networks.enumerated() {
            if let run = histories.first(where: { $0.network == network.name }), let recurrent = run.settings.recurrent {
                spec.networks[i].cell = recurrent.cell
                spec.networks[i].hidden = 0
            }
        }
        return GradientHistory(spec: spec, runs: histories)
    }
}
