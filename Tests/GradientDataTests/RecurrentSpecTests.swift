import Foundation
import GradientData
import Testing

/// Recurrent specs: what they hold, how they resolve, and the one-line refusals of bad ones.
@Suite struct RecurrentSpecTests {
    static let good = """
        {"name": "through-time", "task": {"kind": "adding", "length": 50}, "batchSize": 64, "steps": 3000,
         "optimizer": {"kind": "adam", "learningRate": 0.001}, "seeds": [0], "forgetBias": 1,
         "networks": [{"name": "rnn", "cell": "tanh", "hidden": 64},
                      {"name": "irnn", "cell": "relu", "hidden": 32, "init": "identity"},
                      {"name": "lstm", "cell": "lstm", "hidden": 64}, {"name": "gru", "cell": "gru", "hidden": 64}]}
        """

    static func parse(_ text: String) throws -> ExperimentSpec {
        try ExperimentSpec.parse(Data(text.utf8), source: "spec.json")
    }

    /// The refusal of `text`, as the user reads it.
    static func refusal(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func aRecurrentSpecResolvesToRecurrentRunSettings() throws {
        let spec = try Self.parse(Self.good)
        #expect(spec.isRecurrent)
        #expect(spec.task == SequenceTask(kind: .adding, length: 50))
        let irnn = spec.settings(networkIndex: 1, seed: 0, trainCount: 1)
        #expect(irnn.recurrent?.cell == .relu)
        #expect(irnn.recurrent?.hidden == 32)
        #expect(irnn.recurrent?.`init` == .identity)
        #expect(irnn.recurrent?.forgetBias == nil, "the forget bias is an LSTM setting")
        #expect(irnn.width == 32 && irnn.depth == 1 && irnn.steps == 3000)
        let lstm = spec.settings(networkIndex: 2, seed: 0, trainCount: 1)
        #expect(lstm.recurrent?.`init` == .pytorch)
        #expect(lstm.recurrent?.forgetBias == 1)
        #expect(lstm.recurrent?.maxRecordedTimeSteps == ExperimentSpec.defaultMaxRecordedTimeSteps)
    }

    @Test func aRecurrentSpecsJSONReadsBackAsTheSameSpec() throws {
        let spec = try Self.parse(Self.good)
        let text = String(decoding: spec.jsonData(), as: UTF8.self)
        #expect(!text.contains("\"dataset\"") && !text.contains("\"activation\"") && !text.contains("\"depth\""))
        #expect(try ExperimentSpec.parse(spec.jsonData(), source: "again.json") == spec)
    }

    @Test func badRecurrentSpecsAreRefusedWithTheirJSONPath() {
        let cases: [(String, String)] = [
            (#""length": 50"#, #""length": 0"#),
            (#""cell": "gru""#, #""cell": "gur""#),
            (#""hidden": 32,"#, #""hidden": 32, "activation": "tanh","#),
            (#""batchSize": 64"#, #""batchSize": 64, "depth": 3"#),
            (#""batchSize": 64"#, #""batchSize": 64, "epochs": 3"#),
            (#""kind": "adding""#, #""kind": "addition""#),
            (#""init": "identity""#, #""init": "he-normal""#),
            (#"{"name": "gru", "cell": "gru", "hidden": 64}"#, #"{"name": "gru", "hidden": 64}"#),
            (#""length": 50"#, #""length": 1"#),
        ]
        let expected = [
            "spec.json: task.length: must be at least 1, found 0",
            "spec.json: networks[3].cell: unknown cell 'gur'; did you mean \"gru\"? (valid: tanh, relu, lstm, gru)",
            "spec.json: networks[1].activation: \"activation\" belongs to an MLP network; a recurrent network takes \"cell\" and \"hidden\"",
            "spec.json: depth: \"depth\" belongs to an MLP spec, not a recurrent one (this spec has a \"task\")",
            "spec.json: epochs: \"epochs\" belongs to an MLP spec, not a recurrent one (this spec has a \"task\"); a recurrent spec counts its length in \"steps\"",
            "spec.json: task.kind: unknown task 'addition' (valid: adding, digits-sequence)",
            "spec.json: networks[1].init: unknown recurrent init 'he-normal' (valid: pytorch, orthogonal, identity)",
            "spec.json: networks[3].cell: missing (required)",
            "spec.json: task.length: the adding task marks one value in each half of the sequence: the length must be at least 2, found 1",
        ]
        for ((old, new), message) in zip(cases, expected) {
            #expect(Self.good.contains(old))
            #expect(Self.refusal(Self.good.replacingOccurrences(of: old, with: new)) == message)
        }
    }

    @Test func recurrentKeysOnAnMLPSpecAreRefused() {
        let mlp = """
            {"name": "m", "dataset": "spirals", "depth": 2, "width": 4, "batchSize": 8, "steps": 3,
             "optimizer": {"kind": "sgd", "learningRate": 0.1}, "seeds": [0],
             "networks": [{"name": "a", "activation": "tanh", "cell": "lstm"}]}
            """
        #expect(Self.refusal(mlp) == "spec.json: networks[0].cell: \"cell\" belongs to a recurrent network; give the spec a \"task\" (adding or digits-sequence) to train recurrent networks")
        let withTask = mlp.replacingOccurrences(of: #""cell": "lstm""#, with: #""task": "adding""#)
        #expect(Self.refusal(withTask).hasPrefix("spec.json: networks[0].task: unknown key"))
    }

    @Test func digitsSequenceHasSixtyFourSteps() throws {
        let text = Self.good.replacingOccurrences(of: #"{"kind": "adding", "length": 50}"#, with: #"{"kind": "digits-sequence"}"#)
        #expect(try Self.parse(text).task == SequenceTask(kind: .digitsSequence, length: 64))
        let wrong = text.replacingOccurrences(of: #""digits-sequence"}"#, with: #""digits-sequence", "length": 10}"#)
        #expect(Self.refusal(wrong).contains("task.length: digits-sequence reads the 64 pixels"))
    }

    @Test func addingSequencesHaveOneMarkerInEachHalfAndTheirSumAsTarget() {
        var generator = SeededGenerator(seed: 3, stream: 1)
        let examples = SequenceTask.addingExamples(count: 200, length: 9, generator: &generator)
        for e in 0..<examples.count {
            let steps = (0..<9).map { t in (examples.inputs[(e * 9 + t) * 2], examples.inputs[(e * 9 + t) * 2 + 1]) }
            let marked = steps.indices.filter { steps[$0].1 == 1 }
            #expect(marked.count == 2)
            #expect(marked[0] < 4 && marked[1] >= 4)
            #expect(abs(steps[marked[0]].0 + steps[marked[1]].0 - examples.targets[e]) < 1e-6)
            #expect(steps.allSatisfy { (0..<1).contains($0.0) && ($0.1 == 0 || $0.1 == 1) })
        }
        // Predicting the mean sum, 1, scores about 1/6 (the variance of a sum of two U(0, 1)).
        var test = SeededGenerator(seed: 0, stream: SequenceTask.testStream)
        let fixed = SequenceTask.addingExamples(count: 1000, length: 50, generator: &test)
        let mse = fixed.targets.reduce(0) { $0 + Double(($1 - 1) * ($1 - 1)) } / 1000
        #expect(abs(mse - 1.0 / 6) < 0.02)
    }
}
