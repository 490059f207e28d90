import Foundation
import GradientData
import Testing
import TestSupport
@testable import TensorBoardImport

/// TensorBoard logs written by PyTorch's own SummaryWriter (tools/tensorboard_fixture.py), and logs
/// made here for what PyTorch does not write.
@Suite struct TensorBoardImportTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("tensorboard")

    struct Expected: Decodable {
        struct Run: Decodable {
            var steps: [Int]
            var logged: [String: [Double]]?
            var norms: [String: [Double]]
            var loss: [Double]
            var valAccuracy: [Double]?
        }
        var version_0: Run
        var version_1: Run
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
    }

    static func load(_ path: String, _ options: TensorBoardImportOptions = TensorBoardImportOptions()) throws
        -> TensorBoardImport.Result
    {
        try TensorBoardImport.load(path, options: options)
    }

    /// The one-line error `path` gives, or "" when it imports.
    static func error(_ path: String, _ options: TensorBoardImportOptions = TensorBoardImportOptions()) -> String {
        do {
            _ = try load(path, options)
            return ""
        } catch {
            return "\(error)"
        }
    }

    static func relativeError(_ a: Float, _ b: Double) -> Double { abs(Double(a) - b) / abs(b) }

    @Test func pytorchRunsBecomeNetworksWithLayersInParameterOrder() throws {
        let result = try Self.load(Self.folder.appendingPathComponent("runs").path)
        let history = result.history
        #expect(history.runs.map(\.network) == ["version_0", "version_1"])
        for run in history.runs {
            // Declared inp, hidden, out: the log's order, not the alphabet's.
            #expect(run.layers == ["inp", "hidden", "out"])
            #expect(run.settings.importedFrom == "runs" && run.stepsPerBucket == 1)
        }
        #expect(history.spec.name == "runs" && history.spec.importedFrom == "runs")
        // The learning rate is no gradient, loss or accuracy: named, not dropped in silence.
        #expect(result.warnings == ["run 'version_0': tags no rule reads (not imported): lr-SGD"])
    }

    @Test func lightningScalarNormsReadExactlyAndTheRestartKeepsTheNewSteps() throws {
        let expected = try Self.expected().version_0
        let run = try #require(try Self.load(Self.folder.appendingPathComponent("runs").path).history.runs.first)
        // Steps 20–29 were logged twice; the second file's (after the restart) count.
        #expect(run.steps == Array(0..<40) && expected.steps == Array(0..<40))
        let logged = try #require(expected.logged)
        for (index, layer) in ["inp", "hidden", "out"].enumerated() {
            let weights = try #require(logged[layer + ".weight"]), biases = try #require(logged[layer + ".bias"])
            for row in run.steps.indices {
                #expect(run.stats.weightGradNorm[row][index] == Float(weights[row]))
                #expect(run.stats.biasGradNorm[row][index] == Float(biases[row]))
            }
        }
        #expect(zip(run.loss, expected.loss).allSatisfy { Self.relativeError($0, $1) < 1e-6 })
        #expect(run.trainAccuracy.count == 40)
        // val_acc, logged every 10 steps, is test accuracy.
        #expect(zip(run.testAccuracy, try #require(expected.valAccuracy)).allSatisfy { Self.relativeError($0, $1) < 1e-6 })
        #expect(run.testAccuracy.count == 4 && run.diverged == nil)
    }

    @Test func histogramNormsComeFromTheSumOfSquares() throws {
        let expected = try Self.expected().version_1
        let run = try #require(try Self.load(Self.folder.appendingPathComponent("runs").path).history.runs.last)
        #expect(run.steps == Array(stride(from: 0, to: 50, by: 5)) && run.steps == expected.steps)
        for (index, layer) in ["inp", "hidden", "out"].enumerated() {
            let weights = try #require(expected.norms[layer + ".weight"]), biases = try #require(expected.norms[layer + ".bias"])
            for row in run.steps.indices {
                #expect(Self.relativeError(run.stats.weightGradNorm[row][index], weights[row]) < 1e-4)
                #expect(Self.relativeError(run.stats.biasGradNorm[row][index], biases[row]) < 1e-4)
            }
        }
        // The loss was written as a new-style scalar: a rank-0 float tensor.
        #expect(run.loss.count == 10 && zip(run.loss, expected.loss).allSatisfy { Self.relativeError($0, $1) < 1e-6 })
        #expect(run.trainAccuracy.isEmpty && run.testAccuracy.isEmpty)
    }

    @Test func oneFileIsOneRunNamedAfterItsFolder() throws {
        let file = Self.folder.appendingPathComponent("runs/version_1/events.out.tfevents.1700000000.fixture.1")
        let history = try Self.load(file.path).history
        #expect(history.runs.map(\.network) == ["version_1"] && history.spec.name == "version_1")
    }

    @Test func runsAreRenamed() throws {
        var options = TensorBoardImportOptions()
        options.renames = [try TensorBoardImportOptions.rename("version_0=lightning"), ("version_1", "histograms")]
        let path = Self.folder.appendingPathComponent("runs").path
        #expect(try Self.load(path, options).history.runs.map(\.network) == ["lightning", "histograms"])
        options.renames = [("version_7", "x")]
        #expect(Self.error(path, options) == "--name: no run 'version_7' to rename (runs: version_0, version_1)")
        #expect(throws: TensorBoardImportError.self) { try TensorBoardImportOptions.rename("version_0") }
    }

    @Test func aFlippedByteIsAChecksumErrorNamingTheFileAndOffset() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = Self.folder.appendingPathComponent("runs/version_0/events.out.tfevents.1700000000.fixture.1")
        var bytes = try Data(contentsOf: original)
        bytes[5000] ^= 0x10
        let file = folder.appendingPathComponent("events.out.tfevents.1")
        try bytes.write(to: file)
        let message = Self.error(file.path)
        #expect(message.hasPrefix(file.path + ", byte "))
        #expect(message.contains("checksum") && message.contains("does not match"))
        // The offset names the record that holds byte 5000.
        let offset = try #require(Int(message.split(separator: " ")[2].dropLast()))
        #expect(offset <= 5000 && offset > 4800)
    }

    @Test func aTruncatedFileIsAnErrorUnlessAProgramIsStillWritingIt() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = Self.folder.appendingPathComponent("runs/version_0/events.out.tfevents.1700000000.fixture.1")
        let bytes = try Data(contentsOf: original)
        let file = folder.appendingPathComponent("events.out.tfevents.1")
        try bytes.prefix(bytes.count - 10).write(to: file)
        let message = Self.error(file.path)
        #expect(message.hasPrefix(file.path + ", byte "))
        #expect(message.hasSuffix("the file ends in the middle of a record: it is truncated (no program is writing it)"))

        // While a writer has it open, the same file is read up to its last whole record.
        let writer = try FileHandle(forWritingTo: file)
        defer { try? writer.close() }
        let result = try Self.load(file.path)
        #expect(result.warnings.first?.contains("ends inside a record at byte") == true)
        #expect(result.warnings.first?.contains("still writing it") == true)
        let run = try #require(result.history.runs.first)
        #expect(run.layers == ["inp", "hidden", "out"] && run.steps == Array(0..<30))
    }

    @Test func aFileWithoutGradientTagsListsTheTagsItHas() {
        let path = Self.folder.appendingPathComponent("no-gradients").path
        #expect(Self.error(path) == "\(path): no gradient tags (found: train_loss); vanish reads grad_<p>_norm/<parameter>, grad_norm/<parameter>, gradients/<parameter>[/norm], or tags matching --tags REGEX")
    }

    @Test func otherFilesAreNotTensorBoardFiles() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("events.out.tfevents.csv")
        try Data("network,step,layer,weightGradNorm\nmlp,0,a,1\n".utf8).write(to: csv)
        #expect(Self.error(csv.path) == "\(csv.path): not a TensorBoard event file (it does not begin with a TFRecord header)")
        // Framed right, but the record is no Event.
        var framed = EventFileWriter.frame(Data([0xFF, 0xFF, 0xFF]))
        let garbage = folder.appendingPathComponent("events.out.tfevents.bad")
        try framed.write(to: garbage)
        #expect(Self.error(garbage.path) == "\(garbage.path), byte 0: not a TensorBoard event file (its first record is not an Event)")
        // A good first record, then one that does not parse.
        var writer = EventFileWriter()
        writer.scalar("grad_norm/a.weight", 1, step: 0)
        framed = writer.bytes
        let offset = framed.count
        framed.append(EventFileWriter.frame(Data([0x12, 0x7F])))
        try framed.write(to: garbage)
        let message = Self.error(garbage.path)
        #expect(message.hasPrefix("\(garbage.path), byte \(offset): the record is not a TensorBoard Event (protobuf: "))
        let short = folder.appendingPathComponent("events.out.tfevents.short")
        try Data("abc".utf8).write(to: short)
        #expect(Self.error(short.path) == "\(short.path): not a TensorBoard event file (shorter than its first record)")
        let empty = try TestPaths.makeTemporaryFolder("vanish-tb-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(Self.error(empty.path) == "\(empty.path): no TensorBoard event files (events.out.tfevents.*) in this folder or below")
    }

    @Test func handWrittenTagsTensorContentAndACustomPattern() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = EventFileWriter()
        for step in stride(from: 0, to: 300, by: 100) {
            writer.tensorContentScalar("gradients/encoder.0.weight/norm", Float(step + 1), step: Int64(step))
            writer.scalar("grad_norm/encoder.0.bias", 0.5, step: Int64(step))
            writer.scalar("mine/head", Float(step + 2), step: Int64(step))
            writer.scalar("my_loss", 2, step: Int64(step))
        }
        try writer.write(to: folder.appendingPathComponent("exp-a/events.out.tfevents.1"))
        let before = try Self.load(folder.path)
        #expect(before.history.runs.first?.layers == ["encoder.0"])
        #expect(before.warnings == ["tags no rule reads (not imported): mine/head, my_loss"])
        #expect(before.history.runs.first?.stats.weightGradNorm == [[1], [101], [201]])
        #expect(before.history.runs.first?.stats.biasGradNorm == [[0.5], [0.5], [0.5]])

        let options = TensorBoardImportOptions(tagPattern: "mine/(.+)", lossTags: ["my_loss"])
        let run = try #require(try Self.load(folder.path, options).history.runs.first)
        #expect(run.network == "exp-a" && run.layers == ["encoder.0", "head"] && run.steps == [0, 100, 200])
        #expect(run.stats.weightGradNorm == [[1, 2], [101, 102], [201, 202]])
        #expect(run.stats.biasGradNorm[0][0] == 0.5 && run.stats.biasGradNorm[0][1].isNaN)
        #expect(run.loss == [2, 2, 2])
        #expect(Self.error(folder.path, TensorBoardImportOptions(tagPattern: "mine/.+"))
            == "--tags: 'mine/.+' has 0 capture groups; it needs exactly one, around the parameter's name")
    }

    @Test func restartsDropEachTagsPointsFromTheirStepOn() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = EventFileWriter()
        for step in 0..<6 { writer.scalar("grad_norm/fc.weight", 1, step: Int64(step)) }
        // Restarted from step 3, and logging every 2 steps from there.
        for step in stride(from: 3, to: 9, by: 2) { writer.scalar("grad_norm/fc.weight", 2, step: Int64(step)) }
        // A SessionLog START at 7 drops step 7 and later, for every tag.
        writer.sessionStart(step: 7)
        writer.scalar("grad_norm/fc.weight", 3, step: 7)
        try writer.write(to: folder.appendingPathComponent("events.out.tfevents.1"))
        let run = try #require(try Self.load(folder.appendingPathComponent("events.out.tfevents.1").path).history.runs.first)
        #expect(run.steps == [0, 1, 2, 3, 5, 7])
        #expect(run.stats.weightGradNorm.map { $0[0] } == [1, 1, 1, 2, 2, 3])
    }

    @Test func longRunsAreBucketedAsVanishsOwn() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb")
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = EventFileWriter()
        for step in 0..<7 {
            writer.scalar("grad_norm/a.weight", Float(1 << step), step: Int64(step))
            writer.scalar("grad_norm/b.weight", step == 4 ? 0 : 1, step: Int64(step))
            writer.scalar("loss", Float(step), step: Int64(step))
        }
        try writer.write(to: folder.appendingPathComponent("events.out.tfevents.1"))
        var options = TensorBoardImportOptions()
        options.maxRecordedSteps = 3
        let run = try #require(try Self.load(folder.path, options).history.runs.first)
        // The first step keeps its own row, exact, as step 0 does in vanish's runs; the other six fill two buckets.
        #expect(run.stepsPerBucket == 3 && run.steps == [0, 1, 4] && run.settings.steps == 6)
        // 1 alone, then geometric means of 2, 4, 8 / 16, 32, 64; a zero in a bucket stays visible.
        #expect(run.stats.weightGradNorm.map { $0[0] } == [1, 4, 32])
        #expect(run.stats.weightGradNorm.map { $0[1] } == [1, 1, 0])
        #expect(run.stats.weightGradNormMin.map { $0[0] } == [1, 2, 16] && run.stats.weightGradNormMax.map { $0[0] } == [1, 8, 64])
        #expect(run.loss == [0, 2, 5] && run.settings.maxRecordedSteps == 3)
    }

    @Test func layersGroupWeightsAndBiasesInOrderOfFirstAppearance() {
        let layers = RunAssembly.group([("conv/kernel", 0), ("conv/bias", 1), ("norm.weight", 2), ("head.bias", 3),
                                        ("scale", 4), ("norm.bias", 5)])
        #expect(layers.map(\.name) == ["conv", "norm", "head.bias", "scale"])
        #expect(layers.map(\.weight) == [0, 2, 3, 4] && layers.map(\.bias) == [1, 5, nil, nil])
    }

    @Test func tagRules() throws {
        let rules = try GradientTagRules()
        #expect(rules.role(of: "grad_2.0_norm/fc1.weight") == .gradient(parameter: "fc1.weight"))
        #expect(rules.role(of: "grad_inf_norm/fc1.bias") == .gradient(parameter: "fc1.bias"))
        #expect(rules.role(of: "grad_norm/layers.3.weight") == .gradient(parameter: "layers.3.weight"))
        #expect(rules.role(of: "gradients/fc1.weight/norm") == .gradient(parameter: "fc1.weight"))
        #expect(rules.role(of: "gradients/fc1.weight") == .gradient(parameter: "fc1.weight"))
        #expect(rules.role(of: "grad_2.0_norm_total") == .ignored)
        #expect(rules.role(of: "train_loss") == .loss && rules.role(of: "val_acc") == .testAccuracy)
        #expect(rules.role(of: "train_acc") == .trainAccuracy && rules.role(of: "epoch") == .unmatched)
    }

    @Test func crc32cMatchesItsCheckValue() {
        // The standard check value of CRC-32C: the CRC of "123456789".
        let crc = Array("123456789".utf8).withUnsafeBytes { CRC32C.checksum($0) }
        #expect(crc == 0xE306_9283)
    }
}
