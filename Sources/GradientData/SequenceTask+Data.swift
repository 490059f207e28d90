import Foundation

/// Sequences stored example-major: element (e, t, i) of `inputs` at `(e · length + t) · inputCount + i`.
public struct SequenceExamples: Sendable, Hashable {
    public var count: Int
    public var length: Int
    public var inputCount: Int
    public var inputs: [Float]
    /// Adding: the sum of the two marked values, one per sequence; empty for a classification task.
    public var targets: [Float]
    /// digits-sequence: the digit, one per sequence; empty for the adding task.
    public var labels: [Int32]

    public init(count: Int, length: Int, inputCount: Int, inputs: [Float], targets: [Float], labels: [Int32]) {
        self.count = count
        self.length = length
        self.inputCount = inputCount
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }
}

extension SequenceTask {
    /// The generator stream of a run's training sequences (the same for every network of a seed).
    public static let trainingStream = 9_001
    /// The generator stream of a seed's fixed adding test set.
    public static let testStream = 9_002

    /// One adding sequence written example-major at `inputs` (length × 2) with its sum returned.
    ///
    /// Every step holds (value ~ U(0, 1), marker 0 or 1); exactly two markers are 1: the first at a
    /// uniform position in the first half (`0 ..< length/2`), the second in the second half.
    public static func drawAdding(into inputs: UnsafeMutablePointer<Float>, length: Int, stride: Int = 2,
                                  generator: inout SeededGenerator) -> Float {
        let half = length / 2
        let first = generator.nextIndex(below: max(half, 1))
        let second = half + generator.nextIndex(below: max(length - half, 1))
        var sum: Float = 0
        for t in 0..<length {
            let value = Float(generator.nextUniform())
            let marked = t == first || t == second
            inputs[t * stride] = value
            inputs[t * stride + 1] = marked ? 1 : 0
            if marked { sum += value }
        }
        return sum
    }

    /// `count` adding sequences of `length` steps from `generator`.
    public static func addingExamples(count: Int, length: Int, generator: inout SeededGenerator) -> SequenceExamples {
        var inputs = [Float](repeating: 0, count: count * length * 2)
        var targets = [Float](repeating: 0, count: count)
        inputs.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for e in 0..<count {
                targets[e] = drawAdding(into: base + e * length * 2, length: length, generator: &generator)
            }
        }
        return SequenceExamples(count: count, length: length, inputCount: 2, inputs: inputs, targets: targets, labels: [])
    }

    /// The digits as sequences of 64 pixels (value / 16), split 80/20 as the `digits` data set is for `seed`.
    public static func digitSequences(seed: Int) throws -> (train: SequenceExamples, test: SequenceExamples) {
        let split = try Dataset.digits().split(seed: seed, standardised: false)
        func sequences(_ data: Dataset) -> SequenceExamples {
            SequenceExamples(count: data.count, length: data.featureCount, inputCount: 1,
                             inputs: data.features.map { $0 / 16 }, targets: [], labels: data.labels)
        }
        return (sequences(split.train), sequences(split.test))
    }

    /// The fixed test set of this task for `seed`: 1000 adding sequences drawn from the seed, or the digits' test split.
    public func testExamples(seed: Int) throws -> SequenceExamples {
        switch kind {
        case .adding:
            var generator = SeededGenerator(seed: seed, stream: Self.testStream)
            return Self.addingExamples(count: Self.addingTestCount, length: length, generator: &generator)
        case .digitsSequence:
            return try Self.digitSequences(seed: seed).test
        }
    }
}
