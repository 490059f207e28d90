import Foundation
import Testing
import GradientData
import TestSupport

@Suite struct ExperimentSpecTests {
    static let reports = TestPaths.packageRoot.appendingPathComponent("Reports")

    @Test(arguments: ["zoo", "quick", "exploding", "depth-sweep", "init", "edge-of-chaos"])
    func shippedSpecEqualsBuiltIn(name: String) throws {
        let url = Self.reports.appendingPathComponent("\(name).json")
        let shipped = try ExperimentSpec.load(contentsOf: url)
        #expect(shipped == ExperimentSpec.preset(named: name))
    }

    @Test func zooIsTheIssuesStory() throws {
        let zoo = ExperimentSpec.zoo
        #expect(zoo.depth == 20 && zoo.width == 64 && zoo.batchSize == 64 && zoo.epochs == 30)
        #expect(zoo.optimizer == OptimizerSpec(kind: .sgd, learningRate: 0.01, momentum: 0.9))
        #expect(zoo.networks.map(\.name) == ["sigmoid", "tanh", "relu", "sigmoid+batchnorm", "sigmoid+residual"])
        let quick = ExperimentSpec.quick
        #expect(quick.networks == zoo.networks)
        #expect(quick.depth == 8 && quick.width == 32 && quick.epochs == 3)
    }

    @Test func writtenSpecReadsBack() throws {
        for preset in ExperimentSpec.presets {
            #expect(try ExperimentSpec.parse(preset.jsonData(), source: "t") == preset)
        }
    }

    /// The error text a spec gives, or "" when it parses.
    static func error(_ json: String) -> String {
        do {
            _ = try ExperimentSpec.parse(Data(json.utf8), source: "bad.json")
            return ""
        } catch {
            return "\(error)"
        }
    }

    static func zooText(replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOf: reports.appendingPathComponent("zoo.json"), encoding: .utf8)
        #expect(text.contains(old))
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func unknownKeyNamesPathAndFile() throws {
        let text = try Self.zooText(
            replacing: #"{"name": "relu", "activation": "relu""#, with: #"{"name": "relu", "activatoin": "relu""#)
        let message = Self.error(text)
        #expect(message.hasPrefix("bad.json: networks[2].activatoin: unknown key"))
        #expect(!message.contains("\n"))
    }

    @Test func unknownTopLevelAndOptimizerKeys() throws {
        #expect(Self.error(try Self.zooText(replacing: #""depth": 20"#, with: #""depht": 20"#))
            .hasPrefix("bad.json: depht: unknown key"))
        #expect(Self.error(try Self.zooText(replacing: #""momentum": 0.9"#, with: #""momentun": 0.9"#))
            .hasPrefix("bad.json: optimizer.momentun: unknown key"))
    }

    @Test func wrongTypesAreNamed() throws {
        #expect(Self.error(try Self.zooText(replacing: #""depth": 20"#, with: #""depth": "20""#))
            == #"bad.json: depth: expected an integer, found a string ("20")"#)
        #expect(Self.error(try Self.zooText(replacing: #""depth": 20"#, with: #""depth": 20.5"#))
            .hasPrefix("bad.json: depth: expected an integer"))
        #expect(Self.error(try Self.zooText(replacing: #""batchNorm": true"#, with: #""batchNorm": 1"#))
            .hasPrefix("bad.json: networks[3].batchNorm: expected true or false"))
        #expect(Self.error(try Self.zooText(replacing: #""seeds": [0]"#, with: #""seeds": 0"#))
            .hasPrefix("bad.json: seeds: expected an array"))
    }

    @Test func invalidValuesAreNamed() throws {
        #expect(Self.error(try Self.zooText(replacing: #""activation": "tanh""#, with: #""activation": "tahn""#))
            == "bad.json: networks[1].activation: unknown activation 'tahn'; did you mean \"tanh\"? (valid: sigmoid, tanh, relu)")
        #expect(Self.error(try Self.zooText(replacing: #""width": 64"#, with: #""width": 0"#))
            == "bad.json: width: must be at least 1, found 0")
        #expect(Self.error(try Self.zooText(replacing: #""learningRate": 0.01"#, with: #""learningRate": -1"#))
            .hasPrefix("bad.json: optimizer.learningRate: must be greater than 0"))
        #expect(Self.error(try Self.zooText(replacing: #""name": "tanh""#, with: #""name": "sigmoid""#))
            .hasPrefix("bad.json: networks[1].name: 'sigmoid' names two networks"))
        #expect(Self.error(try Self.zooText(replacing: #""epochs": 30,"#, with: ""))
            .hasPrefix("bad.json: networks[0]: no training length"))
        #expect(Self.error(try Self.zooText(replacing: #""digits""#, with: #""mnist""#))
            .hasPrefix("bad.json: dataset: unknown dataset 'mnist'"))
    }

    @Test func missingFieldsAndBrokenJSON() throws {
        #expect(Self.error(try Self.zooText(replacing: #""width": 64, "#, with: ""))
            == "bad.json: width: missing (required)")
        #expect(Self.error("{\"name\": ").hasPrefix("bad.json: not valid JSON"))
        #expect(Self.error("[1, 2]") == "bad.json: expected an object, found an array")
    }

    @Test func settingsApplyOverridesAndLength() throws {
        var spec = ExperimentSpec.zoo
        // Digits: 1437 training examples, ceil(1437 / 64) = 23 updates per epoch.
        #expect(ExperimentSpec.stepsPerEpoch(trainCount: 1437, batchSize: 64) == 23)
        #expect(ExperimentSpec.stepsPerEpoch(trainCount: 128, batchSize: 64) == 2)
        let relu = spec.settings(networkIndex: 2, seed: 7, trainCount: 1437)
        #expect(relu.`init` == .heNormal && relu.steps == 690 && relu.epochs == 30 && relu.seed == 7)
        #expect(spec.settings(networkIndex: 3, seed: 0, trainCount: 1437).batchNorm)
        #expect(spec.settings(networkIndex: 4, seed: 0, trainCount: 1437).residual)
        spec.networks[0].steps = 5
        spec.networks[1].batchSize = 256
        spec.networks[1].optimizer = OptimizerSpec(kind: .adam, learningRate: 0.001)
        let first = spec.settings(networkIndex: 0, seed: 0, trainCount: 1437)
        #expect(first.steps == 5 && first.epochs == nil)
        let second = spec.settings(networkIndex: 1, seed: 0, trainCount: 1437)
        #expect(second.steps == 30 * 6 && second.batchSize == 256 && second.optimizer.kind == .adam)
        spec.steps = 1
        #expect(spec.settings(networkIndex: 2, seed: 0, trainCount: 1437).steps == 1)
    }
}
