import Foundation
import GradientData
import RecurrentTraining
import Testing
import TestSupport

/// The per-time-step gradient profile at initialisation against PyTorch's own cells.
///
/// `fixtures/reference/through-time-step0.json` comes from `tools/reference_through_time.py`:
/// torch.nn.RNN (tanh), LSTM and GRU with PyTorch's default initialisation, a Linear readout of
/// h_T, one adding batch per seed (T = 50, hidden 64, batch 64, 200 seeds), and per t the mean
/// and standard deviation across seeds of log10(‖∂L/∂h_t‖ / ‖∂L/∂h_T‖). vanish records the same
/// quantity at step 0; its seeds draw other weights and data, so the two means are compared as
/// sample means: within three standard errors of their difference, plus a small slack.
@Suite struct ThroughTimeReferenceTests {
    struct Reference: Decodable {
        struct Cell: Decodable {
            var cell: String
            var meanLog10Ratio: [Double]
            var sdLog10Ratio: [Double]
        }
        struct Task: Decodable {
            var kind: String
            var length: Int
        }
        var task: Task
        var hidden: Int
        var batchSize: Int
        var seeds: Int
        var cells: [Cell]
    }

    static let seedCount = 100
    /// The time steps compared (T = 50): the last but one, 5, 10 and 25 steps back, and the first.
    static let timeSteps = [49, 45, 40, 25, 1]
    /// Allowance for what the standard errors do not cover (float32 rounding, the reference's 6 decimals).
    static let slack = 0.05

    static func reference() throws -> Reference {
        let url = TestPaths.fixtures.appendingPathComponent("reference/through-time-step0.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// Per network, per seed: log10(‖∂L/∂h_t‖ / ‖∂L/∂h_T‖) for t = 1…T, from vanish's step-0 recording.
    static let profiles: Result<[String: [[Double]]], Error> = Result {
        let spec = ExperimentSpec.recurrent(
            name: "reference", title: "reference", task: SequenceTask(kind: .adding, length: 50), batchSize: 64,
            steps: 1, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01), seeds: Array(0..<seedCount),
            networks: [
                .recurrent(name: "tanh", cell: .tanh, hidden: 64),
                .recurrent(name: "lstm", cell: .lstm, hidden: 64),
                .recurrent(name: "gru", cell: .gru, hidden: 64),
            ])
        // Step 0's gradients come from the first training batch only; a one-sequence test set
        // (instead of the seed's 1000) keeps the test fast without touching them.
        let data = spec.seeds.map { seed -> SequenceData in
            var generator = SeededGenerator(seed: seed, stream: SequenceTask.testStream)
            return SequenceData(train: nil, test: SequenceTask.addingExamples(count: 1, length: 50, generator: &generator))
        }
        let history = try RecurrentExperiment.run(spec, threads: 2, data: data)
        var profiles: [String: [[Double]]] = [:]
        for run in history.runs {
            let norms = run.time?.hiddenGradNorm.first ?? []
            let last = Double(norms.last ?? .nan)
            profiles[run.network, default: []].append(norms.map { log10(Double($0) / last) })
        }
        return profiles
    }

    @Test func theReferenceIsWhatItSays() throws {
        let reference = try Self.reference()
        #expect(reference.task.kind == "adding" && reference.task.length == 50)
        #expect(reference.hidden == 64 && reference.batchSize == 64 && reference.seeds == 200)
        #expect(reference.cells.map(\.cell) == ["tanh", "lstm", "gru"])
        for cell in reference.cells {
            #expect(cell.meanLog10Ratio.count == 50 && cell.sdLog10Ratio.count == 50)
            #expect(cell.meanLog10Ratio.last == 0)
        }
    }

    @Test(arguments: ["tanh", "lstm", "gru"])
    func theStepZeroProfileMatchesPyTorch(cell: String) throws {
        let reference = try #require(try Self.reference().cells.first { $0.cell == cell })
        let torchSeeds = Double(try Self.reference().seeds)
        let profiles = try #require(try Self.profiles.get()[cell])
        #expect(profiles.count == Self.seedCount && profiles.allSatisfy { $0.count == 50 })
        let count = Double(profiles.count)
        for t in Self.timeSteps {
            let values = profiles.map { $0[t - 1] }
            let mean = values.reduce(0, +) / count
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
            let torchMean = reference.meanLog10Ratio[t - 1]
            let torchSD = reference.sdLog10Ratio[t - 1]
            let standardError = (variance / count + torchSD * torchSD / torchSeeds).squareRoot()
            #expect(abs(mean - torchMean) <= 3 * standardError + Self.slack,
                    "\(cell) t = \(t): vanish \(mean) ± \(variance.squareRoot()), PyTorch \(torchMean) ± \(torchSD)")
            // The spread across seeds is the same kind of spread, not a different distribution.
            #expect(variance.squareRoot() < 2 * torchSD + 0.02 && torchSD < 2 * variance.squareRoot() + 0.02,
                    "\(cell) t = \(t): sd vanish \(variance.squareRoot()), PyTorch \(torchSD)")
        }
    }
}
