import Foundation
import Testing
import GradientData

@Suite struct DatasetTests {
    @Test func digitsLoadScaledWithTenClasses() throws {
        let digits = try Dataset.digits()
        #expect(digits.count == 1797 && digits.featureCount == 64 && digits.classCount == 10)
        #expect(digits.features.min() == 0 && digits.features.max() == 1)
        #expect(Set(digits.labels) == Set(0...9))
        // The first row of the UCI file: 0,0,5,13,9,1,0,0 … label 0.
        let expected: [Float] = [0, 0, 5.0 / 16, 13.0 / 16]
        #expect(Array(digits.features[0..<4]) == expected)
        #expect(digits.labels[0] == 0)
    }

    @Test func splitIsSeededEightyTwentyAndStandardised() throws {
        let digits = try Dataset.digits()
        let split = digits.split(seed: 0)
        #expect(split.train.count == 1437 && split.test.count == 360)
        #expect(digits.split(seed: 0) == split)
        #expect(digits.split(seed: 1) != split)
        let (mean, std) = split.train.featureMeanAndStd()
        #expect(mean.allSatisfy { abs($0) < 1e-5 })
        // Constant pixels (std 0) stay 0 rather than becoming NaN.
        #expect(std.allSatisfy { abs($0 - 1) < 1e-4 || $0 == 0 })
        #expect(std.contains(0))
        #expect(split.test.features.allSatisfy { $0.isFinite })
        #expect(Set(split.train.labels + split.test.labels).count == 10)
    }

    @Test func spiralsAreTwoSeededClasses() {
        let spirals = Dataset.spirals(pointsPerClass: 50, seed: 4)
        #expect(spirals.count == 100 && spirals.featureCount == 2 && spirals.classCount == 2)
        #expect(Dataset.spirals(pointsPerClass: 50, seed: 4) == spirals)
        #expect(Dataset.spirals(pointsPerClass: 50, seed: 5) != spirals)
        #expect(spirals.labels.filter { $0 == 1 }.count == 50)
    }

    @Test func generatorIsSeededAndUniformish() {
        var a = SeededGenerator(seed: 1, stream: 0)
        var b = SeededGenerator(seed: 1, stream: 0)
        var c = SeededGenerator(seed: 1, stream: 1)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        var normal = SeededGenerator(seed: 9)
        let samples = (0..<20000).map { _ in normal.nextNormal() }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }

    @Test func csvDatasetReadsHeaderAndNamedLabel() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vanish-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("x,label,y\n1.5,2,3\n4,0,5\n".utf8).write(to: url)
        let data = try Dataset.csv(contentsOf: url, labelColumn: "label")
        #expect(data.features == [1.5, 3, 4, 5] && data.labels == [2, 0] && data.classCount == 3)
        #expect(throws: DatasetError.self) { _ = try Dataset.csv(contentsOf: url, labelColumn: "z") }
    }
}
