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
