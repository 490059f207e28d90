import Foundation
import GradientData
import Testing
import TestSupport

/// The spec reader against hostile input: random edits never crash it, and every refusal is a
/// one-line `SpecError` naming the file.
@Suite struct SpecRobustnessTests {
    /// A spec that uses every key, so that edits reach every field reader.
    static let fullSpec = """
        {"name": "full", "title": "Every key", "dataset": {"csv": "data.csv", "labelColumn": "last"},
         "depth": 4, "width": 8, "batchSize": 16, "epochs": 2, "steps": 30,
         "optimizer": {"kind": "adam", "learningRate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
         "init": "nielsen", "clipNorm": 1.5, "seeds": [0, 1], "recordEvery": 2, "initGain": 1.5, "maxRecordedSteps": 10,
         "networks": [
           {"name": "a", "activation": "sigmoid", "batchNorm": true, "residual": false, "depth": 3, "width": 4,
            "batchSize": 8, "epochs": 1, "steps": 5, "optimizer": {"kind": "sgd", "learningRate": 0.5, "momentum": 0.5},
            "init": "he-normal", "clipNorm": 2, "recordEvery": 1, "initGain": 2, "maxRecordedSteps": 3},
           {"name": "b", "activation": "relu", "residual": true}]}
        """

    /// Values of every JSON type, and numbers at the edges of what a field accepts.
    static let replacements = [
        "\"x\"", "\"\"", "-1", "0", "1", "2.5", "1e308", "1e999", "-0", "9007199254740993", "4294967296",
        "true", "false", "null", "[]", "{}", "[1]", "{\"a\": 1}", "\"sigmoid\"", "\"digits\"", "1000000000",
    ]

    /// One random edit: delete, duplicate or insert a character, swap two values, put a value of
    /// another type in, or cut the text short.
    static func mutate(_ text: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = text
        guard !bytes.isEmpty else { return Array("{".utf8) }
        let position = generator.nextIndex(below: bytes.count)
        switch generator.nextIndex(below: 7) {
        case 0:
            bytes.remove(at: position)
        case 1:
            bytes.insert(bytes[position], at: position)
        case 2:
            let noise: [UInt8] = [0x22, 0x2C, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x5C, 0x30, 0x2D, 0x65, 0x2E, 0x0A, 0x00, 0xFF, 0xC3]
            bytes.insert(noise[generator.nextIndex(below: noise.count)], at: position)
        case 3, 4:
            let values = valueRanges(bytes)
            guard values.count >= 2 else { return bytes }
            let a = values[generator.nextIndex(below: values.count)]
            if generator.nextIndex(below: 2) == 0 {
                let b = values[generator.nextIndex(below: values.count)]
                guard a != b else { return bytes }
                let (first, second) = a.lowerBound < b.lowerBound ? (a, b) : (b, a)
                guard first.upperBound <= second.lowerBound else { return bytes }
                let swapped = Array(bytes[second]) + Array(bytes[first.upperBound..<second.lowerBound]) + Array(bytes[first])
                bytes.replaceSubrange(first.lowerBound..<second.upperBound, with: swapped)
            } else {
                bytes.replaceSubrange(a, with: Array(replacements[generator.nextIndex(below: replacements.count)].utf8))
            }
        case 5:
            bytes.removeSubrange(position...)
        default:
            bytes.swapAt(position, generator.nextIndex(below: bytes.count))
        }
        return bytes
    }

    /// The byte ranges of the scalar values (strings after a colon, numbers, literals) in a JSON text.
    static func valueRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                end = min(end + 1, bytes.count)
                // Keys are followed by a colon; only values are swapped.
                var next = end
                while next < bytes.count && bytes[next] == UInt8(ascii: " ") { next += 1 }
                if next >= bytes.count || bytes[next] != UInt8(ascii: ":") { ranges.append(index..<end) }
                index = end
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "n") {
                var end = index + 1
                while end < bytes.count, !" ,]}\n".utf8.contains(bytes[end]) { end += 1 }
                ranges.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return ranges
    }

    @Test func thousandsOfRandomEditsGiveASpecOrOneClearError() throws {
        let zoo = try Data(contentsOf: TestPaths.packageRoot.appendingPathComponent("Reports/zoo.json"))
        let bases = [Array(zoo), Array(Self.fullSpec.utf8)]
        var generator = SeededGenerator(seed: 7, stream: 0x3117)
        let start = Date()
        var accepted = 0
        var refused = 0
        let count = 6000
        for iteration in 0..<count {
            var text = bases[iteration % bases.count]
            for _ in 0...generator.nextIndex(below: 3) { text = Self.mutate(text, &generator) }
            do {
                let spec = try ExperimentSpec.parse(Data(text), source: "mutant.json")
                accepted += 1
                // What follows parsing must not trap either: resolved settings and the memory estimate.
                for index in spec.networks.indices {
                    _ = spec.settings(networkIndex: index, seed: spec.seeds[0], trainCount: 1437)
                }
                let estimate = spec.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2)
                #expect(estimate.total > 0)
                #expect(try ExperimentSpec.parse(spec.jsonData(), source: "again.json") == spec)
            } catch let error as SpecError {
                refused += 1
                let line = error.description
                #expect(line.hasPrefix("mutant.json: "), "\(line)")
                #expect(!line.contains("\n") && !error.message.isEmpty, "\(line)")
            } catch {
                Issue.record("not a SpecError: \(error) for \(String(decoding: text, as: UTF8.self))")
            }
        }
        print("spec mutation: \(count) edited specs, \(accepted) valid, \(refused) refused, "
            + "\(Int(Date().timeIntervalSince(start) * 1000)) ms")
        #expect(accepted + refused == count)
        #expect(accepted > 100 && refused > 1000)
    }

    /// Every key a spec accepts (including keys added later) refuses a value of the wrong type,
    /// naming its path: no key is read without a check.
    @Test func everyKeyChecksItsType() throws {
        let base = try #require(try JSONSerialization.jsonObject(with: Data(Self.fullSpec.utf8)) as? [String: Any])
        let wrong: [String: Any] = ["wrong": [1]]
        for key in ExperimentSpec.keys {
            var spec = base
            spec[key] = wrong
            let error = #expect(throws: SpecError.self) {
                try ExperimentSpec.parse(try JSONSerialization.data(withJSONObject: spec), source: "k.json")
            }
            #expect(error?.path.hasPrefix(key) == true, "\(key): \(String(describing: error))")
        }
        for key in ExperimentSpec.networkKeys {
            var spec = base
            var networks = try #require(spec["networks"] as? [[String: Any]])
            networks[0][key] = wrong
            spec["networks"] = networks
            let error = #expect(throws: SpecError.self) {
                try ExperimentSpec.parse(try JSONSerialization.data(withJSONObject: spec), source: "k.json")
            }
            #expect(error?.path.hasPrefix("networks[0].\(key)") == true, "\(key): \(String(describing: error))")
        }
        #expect(ExperimentSpec.keys.count >= 14 && ExperimentSpec.networkKeys.count >= 13)
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        func message(_ text: String) -> String {
            do {
                _ = try ExperimentSpec.parse(Data(text.utf8), source: "s.json")
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(message("{\"name\": \"x\",\n  \"depth\": 3\n  \"width\": 4}")
            == "s.json: not valid JSON at line 3, column 3: expected ',' or '}' after the value of \"depth\", found '\"'")
        #expect(message("{\"name\": 'x'}").hasPrefix("s.json: not valid JSON at line 1, column 10: expected a value"))
        #expect(message("{\"depth\": 01}") == "s.json: not valid JSON at line 1, column 11: a number cannot start with 0 (found 01)")
        #expect(message("{\"depth\": 1e999}") == "s.json: not valid JSON at line 1, column 11: the number 1e999 is too large")
        #expect(message("{\"a\": 1, \"a\": 2}") == "s.json: not valid JSON at line 1, column 10: key \"a\" appears twice in this object")
        #expect(message("{\"name\": \"é\", \"x\" 1}") == "s.json: not valid JSON at line 1, column 19: expected ':' after the key \"x\", found '1'")
        #expect(message("{\"name\": \"open") == "s.json: not valid JSON at line 1, column 10: a string is not closed (it starts here)")
        #expect(message("  \n ") == "s.json: not valid JSON at line 2, column 2: the document is empty")
        #expect(message("{} {}") == "s.json: not valid JSON at line 1, column 4: unexpected '{' after the end of the document")
        #expect(message(String(repeating: "[", count: 100_000)).hasPrefix("s.json: not valid JSON at line 1, column 201: nested more than 200"))
        #expect(message("\u{FEFF}[]") == "s.json: expected an object, found an array")
    }

    @Test func typosGetASuggestion() {
        #expect(NameSuggestion.closest(to: "depht", among: ExperimentSpec.keys) == "depth")
        #expect(NameSuggestion.closest(to: "batchsize", among: ExperimentSpec.keys) == "batchSize")
        #expect(NameSuggestion.closest(to: "epoch", among: ExperimentSpec.keys) == "epochs")
        #expect(NameSuggestion.closest(to: "colour", among: ExperimentSpec.keys) == nil)
        #expect(NameSuggestion.editDistance("depht", "depth") == 1)
        #expect(NameSuggestion.editDistance("", "abc") == 3)
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
    }

    @Test func memoryEstimateCountsWhatTrainingHolds() throws {
        // quick: depth 8, width 32, batch 64 on digits (64 inputs, 10 classes, 1437 training examples).
        var spec = ExperimentSpec.quick
        spec.networks = [spec.networks[0]]
        let settings = spec.settings(networkIndex: 0, seed: 0, trainCount: 1437)
        let hiddenParameters: Double = 7 * (32 * 32 + 32)
        let parameters: Double = 64 * 32 + 32 + hiddenParameters + 32 * 10 + 10
        let batchBlocks: Double = (8 + 5) * 64 * 32
        let activations: Double = batchBlocks + 64 * 64 + 2 * 64 * 10
        let training: Double = (4 * parameters + activations + 2 * 8 * 32) * 4
        let estimate = spec.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 4)
        #expect(estimate.training == training)
        let rows = Double(settings.steps + 1)
        let rowBytes: Double = 8 * (9 * 4 + 48) + 16
        let epochBytes = 4 * Double(settings.steps / 23 + 1)
        #expect(estimate.history == rows * rowBytes + epochBytes)
        #expect(estimate.data == 1437 / 0.8 * 65 * 4)
        #expect(estimate.total == estimate.data + estimate.history + max(estimate.training, estimate.files))
        // A million seeds each hold a split of the data: refused on a 16 GB machine.
        var seeded = spec
        seeded.seeds = Array(0..<1_000_000)
        #expect(throws: SpecError.self) {
            try seeded.checkMemory(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2, available: 16e9, source: "s.json")
        }

        // A long run's history is bounded by maxRecordedSteps (default 2000): 100 000 steps hold 2001 rows.
        var long = spec
        long.epochs = nil
        long.steps = 100_000
        let bounded = long.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 4)
        let bucketRow: Double = 10 * (9 * 4 + 48) + 16
        let perEpoch: Double = 4 * (100_000 / 23.0 + 1)
        #expect(bounded.history == 2001 * bucketRow + perEpoch)
        long.maxRecordedSteps = 100_000
        #expect(long.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 4).history > 30 * bounded.history)

        // Depth 10⁹ is refused at once, with the estimate, not trapped on.
        spec.depth = 1_000_000_000
        #expect(throws: SpecError.self) {
            try spec.checkMemory(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2, source: "deep.json")
        }
        do {
            try spec.checkMemory(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2, available: 16e9, source: "deep.json")
        } catch {
            #expect("\(error)".hasPrefix("deep.json: networks[0]: 'sigmoid' needs about "))
            #expect("\(error)".contains("more than this machine's 14.9 GB"))
        }
        // A depth sweep counts every depth's run, and the message names the network in the file.
        var sweep = ExperimentSpec.quick
        sweep.networks = [sweep.networks[0], sweep.networks[1]]
        sweep.depths = [2, 4, 1_000_000_000]
        do {
            try sweep.checkMemory(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2, available: 16e9, source: "sweep.json")
            Issue.record("a sweep to depth 10⁹ was accepted")
        } catch {
            #expect("\(error)".hasPrefix("sweep.json: networks[0]: 'sigmoid' needs about "), "\(error)")
        }

        // Sizes at the limit of a spec's integers neither overflow nor trap.
        spec.epochs = Int.max / 2
        spec.width = 9_007_199_254_740_992
        #expect(spec.settings(networkIndex: 0, seed: 0, trainCount: 1437).steps == Int.max)
        #expect(spec.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2).total > 1e30)
        #expect(ExperimentSpec.byteText(1536) == "1.5 KB" && ExperimentSpec.byteText(100) == "100 B")
    }

    @Test func csvErrorsNameTheLine() throws {
        func message(_ text: String) -> String {
            let folder = (try? TestPaths.makeTemporaryFolder("vanish-csv")) ?? FileManager.default.temporaryDirectory
            let url = folder.appendingPathComponent("d.csv")
            try? Data(text.utf8).write(to: url)
            do {
                _ = try Dataset.csv(contentsOf: url, labelColumn: "last")
                return ""
            } catch {
                return "\(error)".replacingOccurrences(of: folder.path + "/", with: "")
            }
        }
        #expect(message("a,b,label\n1,2,0\n\n3,4\n") == "d.csv: line 4: 2 fields, expected 3")
        #expect(message("1,2,0\r\n3,x,1\r\n") == "d.csv: line 2, column 2: 'x' is not a number")
        #expect(message("1,2,0\n3,4,-1\n") == "d.csv: line 2: label '-1' is not a class number (an integer 0, 1, 2, …)")
        #expect(message("1,2,0\n") == "d.csv: needs at least two rows of data, found 1")
        #expect(message("") == "d.csv: the file is empty")
        #expect(message("1,2,0\n3,4,1\n") == "")
    }
}
