import Foundation

/// Labelled examples: a row-major feature matrix and one class label per row.
public struct Dataset: Sendable, Hashable {
    /// `count × featureCount` values, one example per row.
    public var features: [Float]
    /// One class in `0..<classCount` per example.
    public var labels: [Int32]
    public var featureCount: Int
    public var classCount: Int

    public init(features: [Float], labels: [Int32], featureCount: Int, classCount: Int) {
        precondition(features.count == labels.count * featureCount, "features must hold one row per label")
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classCount = classCount
    }

    public var count: Int { labels.count }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var rows: [Float] = []
        rows.reserveCapacity(indices.count * featureCount)
        for index in indices {
            rows.append(contentsOf: features[(index * featureCount)..<((index + 1) * featureCount)])
        }
        return Dataset(features: rows, labels: indices.map { labels[$0] }, featureCount: featureCount,
                       classCount: classCount)
    }

    /// A seeded shuffle split into training and test sets, standardised with the training set's statistics.
    ///
    /// The test set takes `ceil(testFraction × count)` examples (digits: 360 of 1797, leaving 1437).
    /// Each feature is shifted by the training mean and divided by the training standard deviation
    /// (population); a feature constant over the training set (std 0) is only shifted. With
    /// `standardised` false the features are kept as they are (digits-sequence reads pixels / 16).
    public func split(testFraction: Double = 0.2, seed: Int, standardised: Bool = true) -> DataSplit {
        var order = Array(0..<count)
        var generator = SeededGenerator(seed: seed, stream: DataSplit.splitStream)
        generator.shuffle(&order)
        let testCount = min(count - 1, max(1, Int((testFraction * Double(count)).rounded(.up))))
        var train = subset(Array(order[testCount...]))
        var test = subset(Array(order[..<testCount]))
        guard standardised else { return DataSplit(train: train, test: test) }
        let (mean, std) = train.featureMeanAndStd()
        train.standardise(mean: mean, std: std)
        test.standardise(mean: mean, std: std)
        return DataSplit(train: train, test: test)
    }

    /// Per-feature mean and population standard deviation, accumulated in Double.
    public func featureMeanAndStd() -> (mean: [Float], std: [Float]) {
        var sum = [Double](repeating: 0, count: featureCount)
        var squares = [Double](repeating: 0, count: featureCount)
        for row in 0..<count {
            for column in 0..<featureCount {
                let value = Double(features[row * featureCount + column])
                sum[column] += value
                squares[column] += value * value
            }
        }
        let n = Double(max(count, 1))
        let mean = sum.map { $0 / n }
        let std = zip(squares, mean).map { (max(0, $0 / n - $1 * $1)).squareRoot() }
        return (mean.map { Float($0) }, std.map { Float($0) })
    }

    /// Subtracts `mean` from each feature and divides by `std` (std 0 counts as 1).
    public mutating func standardise(mean: [Float], std: [Float]) {
        let scale = std.map { $0 > 1e-12 ? 1 / $0 : 1 }
        for row in 0..<count {
            for column in 0..<featureCount {
                let index = row * featureCount + column
                features[index] = (features[index] - mean[column]) * scale[column]
            }
        }
    }
}

/// A training set and a test set, standardised alike.
public struct DataSplit: Sendable, Hashable {
    public var train: Dataset
    public var test: Dataset

    public init(train: Dataset, test: Dataset) {
        self.train = train
        self.test = test
    }

    /// The generator stream of the split's shuffle (batch order uses another).
    static let splitStream = 0x5EED
}
