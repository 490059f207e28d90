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

    /// The CSV reader works on bytes; its numbers and line numbers must be those of `Float(_:)`,
    /// `Int32(_:)` and a reader that splits the text into lines of `Character`s.
    @Test func csvReadsNumbersAndLinesLikeTheStandardLibrary() throws {
        func read(_ text: String, label: String = "last") throws -> Dataset {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("vanish-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: url) }
            try Data(text.utf8).write(to: url)
            return try Dataset.csv(contentsOf: url, labelColumn: label)
        }
        let fields = ["0", "16", "-3", "2.5", "0.1", "-0", "007", "1e3", ".5", "5.", "+2", "0x1p3", "3.14159265358979",
                      "123456789", "0.0000001", "1.17549435e-38", "16777217", "0.30000001"]
        let data = try read(fields.map { "\($0),1" }.joined(separator: "\n"))
        #expect(data.features.map(\.bitPattern) == fields.map { Float($0)!.bitPattern })
        #expect(data.features[5].sign == .minus)
        // \r\n and a lone \r end a line; blank lines count; fields lose spaces, tabs and Unicode spaces.
        let mixed = try read("a,\u{A0}b\u{A0} ,label\r\n\r\n 1 ,\t2,0\r \t \n3,4,+1\n")
        #expect(mixed.features == [1, 2, 3, 4] && mixed.labels == [0, 1])
        #expect(try read("é,b,label\r\n1,2,0\r\n\u{3000}\n5,6,1\n", label: "label").labels == [0, 1])
        do {
            _ = try read("1,2,0\r3,4,1\r\n\r\n5,x é,1\n")
            Issue.record("read a bad number")
        } catch let error as DatasetError {
            #expect(error.message == "line 4, column 2: 'x é' is not a number")
        }
        do {
            _ = try read("1,2,0\n3,4,2147483648\n")
            Issue.record("read a label beyond Int32")
        } catch let error as DatasetError {
            #expect(error.message == "line 2: label '2147483648' is not a class number (an integer 0, 1, 2, …)")
        }
    }
}
