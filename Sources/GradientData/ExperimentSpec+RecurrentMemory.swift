import Foundation

extension ExperimentSpec {
    /// The bytes one recurrent run needs while training (its unrolled states and gates, parameters,
    /// optimiser) and for its recorded history.
    public static func recurrentRunMemory(_ settings: RunSettings) -> (training: Double, history: Double) {
        guard let recurrent = settings.recurrent else { return (0, 0) }
        let t = Double(recurrent.task.length)
        let b = Double(settings.batchSize)
        let h = Double(recurrent.hidden)
        let gates = Double(recurrent.cell.gateCount) * h
        let inputs = Double(recurrent.task.inputCount)
        var perStep = inputs + gates + h
        if recurrent.cell == .lstm { perStep += h }
        if recurrent.cell == .gru { perStep += h }
        let parameters = gates * (inputs + h + 2) + Double(recurrent.task.outputCount) * (h + 1)
        let training = 4 * (t * b * (perStep + 1) + 6 * parameters)
        let timeBuckets = min(t, Double(recurrent.maxRecordedTimeSteps))
        let rows = min(Double(settings.steps / settings.recordEvery + 1), Double(settings.maxRecordedSteps ?? defaultMaxRecordedSteps))
        // Four time tables held as bucketed floats, then as arrays and as text in history.json and .csv (about 40 bytes a value).
        let history = rows * timeBuckets * 4 * 48
        return (training, history)
    }

    /// Refuses a recurrent spec whose runs would not fit in this machine's memory with `threads` at once.
    public func checkRecurrentMemory(threads: Int, available: Double = Double(ProcessInfo.processInfo.physicalMemory),
                                     source: String) throws {
        let runs = networks.indices.map { settings(networkIndex: $0, seed: seeds.first ?? 0, trainCount: SequenceTask.addingTrainCount) }
        let needs = runs.map(Self.recurrentRunMemory)
        let training = needs.map(\.training).sorted(by: >).prefix(max(threads, 1)).reduce(0, +)
        let history = needs.map(\.history).reduce(0, +) * Double(seeds.count)
        guard training + history > available else { return }
        let largest = needs.indices.max { needs[$0].training < needs[$1].training } ?? 0
        throw SpecError(
            source: source, path: "networks[\(largest)]",
            message: "'\(networks[largest].name)' needs about \(Self.byteText(training + history)) of memory (training "
                + "\(Self.byteText(training)), recorded history \(Self.byteText(history))), more than this machine's "
                + "\(Self.byteText(available)); lower the task length, hidden, batchSize, or maxRecordedTimeSteps")
    }
}
