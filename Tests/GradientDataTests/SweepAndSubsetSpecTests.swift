import Foundation
import GradientData
import Testing
import TestSupport

/// The spec keys of the depth-sweep and initialisation stories: `depths` and `trainExamples`.
@Suite struct SweepAndSubsetSpecTests {
    static func sweepText(_ extra: String = "", depths: String = "[2, 4, 8]", network: String = "") -> String {
        #"{"name": "s", "dataset": "digits", "depths": \#(depths), "width": 8, "batchSize": 16, "steps": 2,"#
            + #" "optimizer": {"kind": "sgd", "learningRate": 0.1}, "seeds": [0]\#(extra),"#
            + #" "networks": [{"name": "sigmoid", "activation": "sigmoid"\#(network)}, {"name": "relu", "activation": "relu"}]}"#
    }

    @Test func depthsExpandEveryNetworkOncePerDepthInNetworkOrder() throws {
        let spec = try ExperimentSpec.parse(Data(Self.sweepText().utf8), source: "s.json")
        #expect(spec.depths == [2, 4, 8])
        #expect(spec.depth == 8, "without \"depth\" a sweep keeps its deepest")
        #expect(spec.expandedNetworks.map(\.name) == [
            "sigmoid depth 2", "sigmoid depth 4", "sigmoid depth 8", "relu depth 2", "relu depth 4", "relu depth 8",
        ])
        #expect(spec.settings(networkIndex: 4, seed: 3, trainCount: 100).depth == 4)
        #expect(spec.settings(networkIndex: 4, seed: 3, trainCount: 100).activation == .relu)
        #expect(spec.sweepPoint(of: "relu depth 8").map { $0.network == 1 && $0.depth == 8 } == true)
        #expect(spec.sweepPoint(of: "relu") == nil)
        // A spec without depths trains its networks as written.
        #expect(ExperimentSpec.zoo.expandedNetworks == ExperimentSpec.zoo.networks)
        #expect(ExperimentSpec.zoo.sweepPoint(of: "sigmoid") == nil)
    }

    @Test func sweepSpecsReadBackFromTheirJSON() throws {
        for spec in [ExperimentSpec.depthSweep, ExperimentSpec.initStory] {
            #expect(try ExperimentSpec.parse(spec.jsonData(), source: "t") == spec)
        }
    }

    @Test func badDepthsAreRefusedWithTheirPath() {
        func error(_ text: String) -> String {
            do {
                _ = try ExperimentSpec.parse(Data(text.utf8), source: "s.json")
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(error(Self.sweepText(depths: "[]")) == "s.json: depths: needs at least one depth")
        #expect(error(Self.sweepText(depths: "[2, 0]")) == "s.json: depths[1]: must be at least 1, found 0")
        #expect(error(Self.sweepText(depths: "[2, 4, 2]")) == "s.json: depths[2]: depth 2 is listed twice")
        #expect(error(Self.sweepText(depths: "\"2\"")).hasPrefix("s.json: depths: expected an array of depths"))
        #expect(error(Self.sweepText(network: #", "depth": 3"#)).hasPrefix("s.json: networks[0].depth: \"depths\" sets every network's depth"))
        #expect(error(Self.sweepText(#", "trainExamples": 0"#)) == "s.json: trainExamples: must be at least 1, found 0")
        #expect(error(Self.sweepText(#", "trainExamples": 1.5"#)).hasPrefix("s.json: trainExamples: expected an integer"))
        // Without depths, depth stays required.
        let noDepth = Self.sweepText().replacingOccurrences(of: #""depths": [2, 4, 8], "#, with: "")
        #expect(error(noDepth) == "s.json: depth: missing (required)")
    }

    @Test func trainExamplesKeepsTheFirstExamplesOfTheSplit() throws {
        var spec = ExperimentSpec.initStory
        #expect(spec.trainExamples == 1000 && spec.batchSize == 1000)
        let full = try spec.dataset.load(seed: 0)
        let cut = try spec.loadData(seed: 0, relativeTo: nil)
        #expect(cut.train.count == 1000 && cut.test == full.test)
        #expect(cut.train.labels == Array(full.train.labels.prefix(1000)))
        #expect(Array(cut.train.features.prefix(64 * 1000)) == Array(full.train.features.prefix(64 * 1000)))
        // One full batch per epoch: 500 epochs are 500 updates.
        #expect(spec.settings(networkIndex: 0, seed: 0, trainCount: cut.train.count).steps == 500)
        spec.trainExamples = 5000
        #expect(throws: DatasetError.self) { try spec.loadData(seed: 0, relativeTo: nil) }
    }

    @Test func memoryEstimateCountsEveryRunOfASweep() {
        var one = ExperimentSpec.depthSweep
        one.depths = [40]
        let all = ExperimentSpec.depthSweep.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2)
        let deepest = one.memoryEstimate(inputCount: 64, classCount: 10, trainCount: 1437, threads: 2)
        #expect(all.history > deepest.history, "ten depths record more than one")
        #expect(all.largestNetwork < ExperimentSpec.depthSweep.networks.count)
    }
}

/// `"init": {"weightVariance": σ_w², "biasVariance": σ_b²}` in a spec and in a history.
@Suite struct VarianceInitSpecTests {
    static func text(_ initValue: String, at: String = "network") -> String {
        let top = at == "top" ? #""init": \#(initValue), "# : ""
        let inNetwork = at == "network" ? #", "init": \#(initValue)"# : ""
        return #"{"name": "v", "dataset": "digits", "depth": 3, "width": 8, "batchSize": 16, "steps": 2, \#(top)"#
            + #""optimizer": {"kind": "sgd", "learningRate": 0.1}, "seeds": [0],"#
            + #" "networks": [{"name": "tanh", "activation": "tanh"\#(inNetwork)}]}"#
    }

    static func error(_ text: String) -> String {
        do {
            _ = try ExperimentSpec.parse(Data(text.utf8), source: "v.json")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func variancesParseAtTheTopAndInANetworkAndReadBack() throws {
        let spec = try ExperimentSpec.parse(Data(Self.text(#"{"weightVariance": 1.5, "biasVariance": 0.05}"#).utf8), source: "v.json")
        let expected = Initialization.variances(InitVariances(weightVariance: 1.5, biasVariance: 0.05))
        #expect(spec.networks[0].`init` == expected)
        #expect(spec.settings(networkIndex: 0, seed: 0, trainCount: 100).`init` == expected)
        #expect(try ExperimentSpec.parse(spec.jsonData(), source: "t") == spec)
        let top = try ExperimentSpec.parse(Data(Self.text(#"{"weightVariance": 2}"#, at: "top").utf8), source: "v.json")
        #expect(top.`init` == .variances(InitVariances(weightVariance: 2, biasVariance: 0)), "biasVariance defaults to 0")
        #expect(String(decoding: top.jsonData(), as: UTF8.self).contains("\"init\": {\n    \"weightVariance\": 2.0,\n    \"biasVariance\": 0.0\n  }"))
        // A history's settings and spec decode through Foundation too.
        let settings = top.settings(networkIndex: 0, seed: 0, trainCount: 100)
        let history = GradientHistory(spec: top, runs: [RunHistory(
            network: "tanh", seed: 0, settings: settings, layers: ["hidden1", "output"], steps: [0],
            stats: LayerStats(weightGradNorm: [[1, 2]]), loss: [1], trainAccuracy: [0], testAccuracy: [0], diverged: nil)])
        let read = try GradientHistory.decode(history.jsonData(), source: "h.json")
        #expect(read.runs[0].settings.`init` == top.`init` && read.spec == top)
        #expect(try JSONDecoder().decode(GradientHistory.self, from: history.jsonData()) == read)
    }

    @Test func badVariancesAreRefusedWithTheirPath() {
        #expect(Self.error(Self.text(#"{"weightVariance": -1}"#))
                == "v.json: networks[0].init.weightVariance: a variance must be 0 or more, found -1.0")
        #expect(Self.error(Self.text(#"{"weightVariance": 1, "biasVariance": -0.5}"#))
                == "v.json: networks[0].init.biasVariance: a variance must be 0 or more, found -0.5")
        #expect(Self.error(Self.text(#"{"weightVarience": 1}"#))
                .hasPrefix("v.json: networks[0].init.weightVarience: unknown key; did you mean \"weightVariance\"?"))
        #expect(Self.error(Self.text(#"{"biasVariance": 0.05}"#))
                == "v.json: networks[0].init.weightVariance: missing (required unless the spec's sweep sets weightVariance)")
        #expect(Self.error(Self.text(#"{"weightVariance": "1"}"#)) == #"v.json: networks[0].init.weightVariance: expected a number, found a string ("1")"#)
        #expect(Self.error(Self.text(#""xavier""#)).hasPrefix("v.json: networks[0].init: unknown init 'xavier'"))
        #expect(Self.error(Self.text(#""variances""#)).hasPrefix("v.json: networks[0].init: unknown init 'variances'"))
        #expect(Self.error(Self.text("3")).hasPrefix("v.json: networks[0].init: expected one of xavier-normal, he-normal, nielsen or {"))
    }
}

/// `"sweep"`: a grid of network settings, crossed with networks and seeds.
@Suite struct ParameterSweepSpecTests {
    static func text(_ sweep: String, network: String = "", extra: String = "") -> String {
        #"{"name": "g", "dataset": "digits", "width": 8, "batchSize": 16, "steps": 10,"#
            + #" "optimizer": {"kind": "sgd", "learningRate": 0.1}, "seeds": [0, 1], "sweep": \#(sweep)\#(extra)\#((sweep + extra).contains("depth") ? "" : #", "depth": 3"#),"#
            + #" "networks": [{"name": "tanh", "activation": "tanh"\#(initKey(sweep))\#(network)}, {"name": "relu", "activation": "relu"}]}"#
    }

    /// A network init that leaves σ_w² to the sweep, where the sweep sets it.
    static func initKey(_ sweep: String) -> String {
        sweep.contains("\"weightVariance\"") ? #", "init": {"biasVariance": 0.05}"# : ""
    }

    static func error(_ text: String) -> String {
        do {
            _ = try ExperimentSpec.parse(Data(text.utf8), source: "g.json")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aGridCrossesNetworksAxesAndSeedsWithNamedCoordinates() throws {
        let spec = try ExperimentSpec.parse(Data(Self.text(#"{"depth": [10, 20], "weightVariance": {"from": 1, "to": 4, "count": 4}}"#).utf8), source: "g.json")
        let sweep = try #require(spec.sweep)
        #expect(sweep.axes.map(\.key) == [.weightVariance, .depth], "axes nest in a fixed order")
        #expect(sweep.axes[0].values == [1, 2, 3, 4] && sweep.pointCount == 8)
        let runs = spec.expandedNetworks
        #expect(runs.count == 16)
        #expect(runs.prefix(3).map(\.name) == ["tanh σw²=1 depth=10", "tanh σw²=1 depth=20", "tanh σw²=2 depth=10"])
        #expect(runs[8].name == "relu σw²=1 depth=10")
        #expect(spec.depth == 20, "without \"depth\" a sweep keeps its deepest")
        let settings = spec.settings(networkIndex: 3, seed: 1, trainCount: 100)
        #expect(settings.depth == 20)
        #expect(settings.`init` == .variances(InitVariances(weightVariance: 2, biasVariance: 0.05)), "the bias variance comes from the network's init")
        #expect(spec.settings(networkIndex: 8, seed: 0, trainCount: 100).`init` == .variances(InitVariances(weightVariance: 1, biasVariance: 0)), "else 0")
        #expect(settings.sweepPoint == SweepPoint(coordinates: [.init(key: .weightVariance, value: 2), .init(key: .depth, value: 20)]))
        #expect(settings.recordedSteps == [0, 5, 9])
        #expect(spec.sourceNetworkIndex(ofExpanded: 9) == 1)
        #expect(try ExperimentSpec.parse(spec.jsonData(), source: "t") == spec)
        // A range's inner values are evenly spaced and its ends exact.
        let range = SweepAxis(key: .weightVariance, given: .range(from: 1, to: 4, count: 25)).values
        #expect(range.count == 25 && range.first == 1 && range.last == 4 && range[4] == 1.5)
        #expect(SweepCoordinate(key: .weightVariance, value: 1.125).text == "σw²=1.125")
        #expect(SweepCoordinate(key: .learningRate, value: 0.1 + 0.2).text == "lr=0.3")
    }

    @Test func otherAxesOverrideTheirKeys() throws {
        let spec = try ExperimentSpec.parse(Data(Self.text(#"{"learningRate": [0.5], "width": [4, 16], "steps": [3]}"#, extra: #", "depth": 2"#).utf8), source: "g.json")
        let settings = spec.settings(networkIndex: 1, seed: 0, trainCount: 100)
        #expect(settings.width == 16 && settings.steps == 3 && settings.optimizer.learningRate == 0.5)
        #expect(settings.network == "tanh width=16 steps=3 lr=0.5")
    }

    @Test func badSweepsAreRefusedWithTheirPath() {
        #expect(Self.error(Self.text(#"{"weightVarience": [1]}"#))
                .hasPrefix("g.json: sweep.weightVarience: unknown sweep axis; did you mean \"weightVariance\"? (valid: weightVariance, biasVariance, depth"))
        #expect(Self.error(Self.text(#"{"activation": ["tanh"]}"#)).hasPrefix("g.json: sweep.activation: unknown sweep axis (activation is a network key a sweep cannot set)"))
        #expect(Self.error(Self.text(#"{"depth": []}"#)) == "g.json: sweep.depth: has no values: the grid would be empty")
        #expect(Self.error(Self.text(#"{"depth": {"from": 1, "to": 4, "count": 0}}"#)) == "g.json: sweep.depth.count: must be at least 1, found 0: the grid would be empty")
        #expect(Self.error(Self.text("{}")).hasPrefix("g.json: sweep: names no axis"))
        #expect(Self.error(Self.text(#"{"depth": [10, 2.5]}"#)) == "g.json: sweep.depth[1]: depth takes whole numbers from 1, found 2.5")
        #expect(Self.error(Self.text(#"{"depth": {"from": 1, "to": 4, "count": 3}}"#)) == "g.json: sweep.depth (value 2 of 3): depth takes whole numbers from 1, found 2.5")
        #expect(Self.error(Self.text(#"{"weightVariance": [1, -1]}"#)) == "g.json: sweep.weightVariance[1]: a variance must be 0 or more, found -1")
        #expect(Self.error(Self.text(#"{"depth": [3, 3]}"#)) == "g.json: sweep.depth[1]: 3 is on the axis twice; every grid point trains once")
        #expect(Self.error(Self.text(#"{"weightVariance": {"from": 1, "to": 4, "count": 400}, "depth": {"from": 1, "to": 400, "count": 400}}"#))
                == "g.json: sweep: 400 weightVariance × 400 depth × 2 network(s) × 2 seed(s) = 640000 runs, more than the 100000 one spec may train; use fewer values or seeds")
        #expect(Self.error(Self.text(#"{"depth": [2]}"#, extra: #", "depths": [2]"#)).hasPrefix("g.json: sweep: \"depths\" and \"sweep\" both make a grid"))
        #expect(Self.error(Self.text(#"[1, 2]"#)).hasPrefix("g.json: sweep: expected an object of axes"))
    }
}
