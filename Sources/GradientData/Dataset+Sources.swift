import Foundation

/// A dataset that could not be loaded, with its source and the reason.
public struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

extension Dataset {
    /// The UCI digits (1797 examples of 8×8 pixel counts 0…16, ten classes), scaled to [0, 1].
    ///
    /// Read from the package's resource `digits.csv.gz`.
    public static func digits() throws -> Dataset {
        let source = "digits.csv.gz (resource)"
        guard let url = Bundle.module.url(forResource: "digits.csv", withExtension: "gz")
            ?? Bundle.module.url(forResource: "digits", withExtension: "csv.gz")
        else {
            throw DatasetError(source: source, message: "missing from the package's resources")
        }
        let text: Data
        do {
            text = try Gzip.decompress(try Data(contentsOf: url))
        } catch {
            throw DatasetError(source: source, message: "cannot be read (\(error))")
        }
        var dataset = try parseCSV(text, source: source, labelColumn: "last")
        guard dataset.count == 1797, dataset.featureCount == 64, dataset.classCount == 10 else {
            throw DatasetError(source: source, message: "expected 1797 × 64 pixels in 10 classes, found "
                + "\(dataset.count) × \(dataset.featureCount) in \(dataset.classCount)")
        }
        dataset.features = dataset.features.map { $0 / 16 }
        return dataset
    }

    /// Two interleaved spirals in the plane (two classes), a small set for fast tests.
    ///
    /// Each arm turns 1.75 times; Gaussian noise of standard deviation `noise` is added to each point.
    public static func spirals(pointsPerClass: Int = 200, noise: Double = 0.05, seed: Int) -> Dataset {
        var generator = SeededGenerator(seed: seed, stream: 0x5B1)
        var features: [Float] = []
        var labels: [Int32] = []
        for index in 0..<pointsPerClass {
            let t = Double(index) / Double(max(pointsPerClass - 1, 1))
            let radius = 0.1 + 0.9 * t
            for arm in 0..<2 {
                let angle = 1.75 * 2 * Double.pi * t + Double(arm) * Double.pi
                features.append(Float(radius * cos(angle) + noise * generator.nextNormal()))
                features.append(Float(radius * sin(angle) + noise * generator.nextNormal()))
                labels.append(Int32(arm))
            }
        }
        return Dataset(features: features, labels: labels, featureCount: 2, classCount: 2)
    }

    /// A numeric CSV file: feature columns and one integer label column (`first`, `last`, a 0-based
    /// index or a header name). A first line that is not all numbers is taken as the header.
    public static func csv(contentsOf url: URL, labelColumn: String) throws -> Dataset {
        let data: Data
        do {
            data = try InputFile.read(url)
        } catch {
            throw DatasetError(source: url.path, message: error.message)
        }
        return try parseCSV(data, source: url.path, labelColumn: labelColumn)
    }
}

extension DatasetSpec {
    /// Loads this dataset and splits it 80/20 with `seed`; relative CSV paths start at `folder`.
    public func load(seed: Int, relativeTo folder: URL? = nil) throws -> DataSplit {
        try examples(seed: seed, relativeTo: folder).split(seed: seed)
    }

    /// All examples before the split. Only the spirals depend on `seed`.
    public func examples(seed: Int, relativeTo folder: URL? = nil) throws -> Dataset {
        switch self {
        case .digits:
            return try Dataset.digits()
        case .spirals:
            return Dataset.spirals(seed: seed)
        case .csv(let path, let labelColumn):
            let url = path.hasPrefix("/") || folder == nil
                ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path, relativeTo: folder)
            return try Dataset.csv(contentsOf: url, labelColumn: labelColumn)
        }
    }

    /// Whether `examples(seed:)` is the same for every seed, so one read serves all of them.
    public var isSeedIndependent: Bool {
        if case .spirals = self { return false }
        return true
    }
}
