import Foundation
import Testing
import GradientData
import TestSupport

@Suite struct GradientHistoryCodingTests {
    static func sample() -> GradientHistory {
        let settings = ExperimentSpec.quick.settings(networkIndex: 0, seed: 3, trainCount: 1437)
        let odd: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-30, 0.1, 3.4028235e38, 1.1754944e-38]
        let rows = (0..<3).map { step in odd.map { $0 * Float(step + 1) } }
        let stats = LayerStats(
            weightGradNorm: rows, biasGradNorm: rows, deltaNorm: rows, activationMean: rows, activationStd: rows,
            saturatedFraction: rows, deadFraction: rows, updateRatio: rows)
        let run = RunHistory(
            network: "a \"quoted\", name", seed: 3, settings: settings,
            layers: (1...8).map { "hidden\($0)" } + ["output"], steps: [0, 1, 2], stats: stats,
            loss: [2.3, .nan, .infinity], trainAccuracy: [0.1, 0.2, 0.3], testAccuracy: [0.5], diverged: 2)
        return GradientHistory(spec: ExperimentSpec.quick, runs: [run])
    }

    @Test func roundTripKeepsEveryValueIncludingNonFinite() throws {
        let history = Self.sample()
        let data = history.jsonData()
        let back = try GradientHistory.decode(data, source: "h.json")
        // NaN != NaN, so compare the written bytes of the decoded history instead.
        #expect(back.jsonData() == data)
        #expect(back.runs[0].stats.weightGradNorm[0][0].isNaN)
        #expect(back.runs[0].stats.weightGradNorm[1][2] == -.infinity)
        #expect(back.runs[0].stats.weightGradNorm[0][4].sign == .minus)
        #expect(back.runs[0].diverged == 2)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#"["NaN","Infinity","-Infinity",0.0,-0.0,1e-30,0.1,3.4028235e+38,1.1754944e-38]"#))
    }

    @Test func randomFloatsSurviveTheRoundTrip() throws {
        var generator = SeededGenerator(seed: 11)
        var history = Self.sample()
        let values = (0..<2000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())) }
            .filter(\.isFinite)
        history.runs[0].loss = values
        history.runs[0].trainAccuracy = values
        history.runs[0].steps = Array(0..<values.count)
        let row = history.runs[0].stats.weightGradNorm[0]
        let table = Array(repeating: row, count: values.count)
        history.runs[0].stats = LayerStats(weightGradNorm: table, biasGradNorm: table, deltaNorm: table,
                                           activationMean: table, activationStd: table, saturatedFraction: table,
                                           deadFraction: table, updateRatio: table)
        let back = try GradientHistory.decode(history.jsonData(), source: "h.json")
        #expect(back.runs[0].loss.map(\.bitPattern) == values.map(\.bitPattern))
    }

    /// Valid histories that vanish would not write (an unknown key, other line ends, another spelling
    /// of a number) read as the history they hold.
    @Test func unusualButValidHistoriesReadAlike() throws {
        let history = Self.sample()
        let text = String(decoding: history.jsonData(), as: UTF8.self)
        let variants = [
            text.replacingOccurrences(of: "\"seed\": 3,", with: "\"seed\": 3, \"note\": [1, {\"x\": null}],"),
            text.replacingOccurrences(of: "\n", with: "\r\n"),
            text.replacingOccurrences(of: "0.1,", with: "1e-1,").replacingOccurrences(of: "\"diverged\": 2", with: "\"diverged\": 2.0"),
        ]
        for variant in variants {
            #expect(variant != text)
            #expect(try GradientHistory.decode(Data(variant.utf8), source: "h.json").jsonData() == history.jsonData())
        }
    }

    @Test func keysComeInTheDocumentedOrder() throws {
        let text = String(decoding: Self.sample().jsonData(), as: UTF8.self)
        let keys = ["\"schema\"", "\"spec\"", "\"runs\"", "\"network\"", "\"seed\"", "\"settings\"", "\"layers\"",
                    "\"steps\"", "\"stats\"", "\"loss\"", "\"trainAccuracy\"", "\"testAccuracy\"", "\"diverged\""]
        var position = text.startIndex
        for key in keys {
            let found = try #require(text.range(of: key, range: position..<text.endIndex), "\(key)")
            position = found.upperBound
        }
        let stats = LayerStats.names.compactMap { text.range(of: "\"\($0)\"")?.lowerBound }
        #expect(stats.count == 8 && stats == stats.sorted())
    }

    @Test func unknownSchemaIsRefused() throws {
        var history = Self.sample()
        history.schema = 4
        #expect {
            try GradientHistory.decode(history.jsonData(), source: "h.json")
        } throws: { error in
            "\(error)" == "h.json: history schema 4 is not supported (this vanish reads 1, 2 and 3)"
        }
        #expect(throws: HistoryReadError.self) { try GradientHistory.decode(Data("{}".utf8), source: "h.json") }
    }

    @Test func raggedTablesAreRefused() throws {
        var history = Self.sample()
        history.runs[0].stats.deltaNorm[1].removeLast()
        #expect {
            try GradientHistory.decode(history.jsonData(), source: "h.json")
        } throws: { error in
            "\(error)".hasPrefix("h.json: runs[0].stats.deltaNorm[1]: has 8 values")
        }
    }

    @Test func csvHasHeaderAndOneRowPerStepAndLayer() throws {
        let history = Self.sample()
        let lines = String(decoding: history.csvData(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1 + 3 * 9)
        #expect(lines[0] == "network,seed,step,layer,weightGradNorm,biasGradNorm,deltaNorm,activationMean,"
            + "activationStd,saturatedFraction,deadFraction,updateRatio")
        #expect(lines[1] == #""a ""quoted"", name",3,0,hidden1,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN"#)
        #expect(lines[27].hasPrefix(#""a ""quoted"", name",3,2,output,3.526483e-38,"#))
    }

    @Test func schemaOneReadsAsOneStepPerBucketAndWritesBackUnchanged() throws {
        var history = Self.sample()
        history.schema = 1
        let text = String(decoding: history.jsonData(), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"schema\": 1") && !text.contains("stepsPerBucket"))
        let back = try GradientHistory.decode(Data(text.utf8), source: "old.json")
        #expect(back.schema == 1 && back.runs.allSatisfy { $0.stepsPerBucket == 1 && $0.stats.weightGradNormMin.isEmpty })
        #expect(back.jsonData() == Data(text.utf8))
        // The current schema writes the key.
        history.schema = GradientHistory.currentSchema
        #expect(String(decoding: history.jsonData(), as: UTF8.self).contains("\"stepsPerBucket\": 1"))
    }

    @Test func fixtureHistoryReads() throws {
        let url = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json")
        let history = try GradientHistory.load(contentsOf: url)
        #expect(history.runs.map(\.network) == ExperimentSpec.zoo.networks.map(\.name))
        #expect(history.runs.allSatisfy { $0.layers.count == 7 && $0.steps.count == 46 && $0.testAccuracy.count == 2 })
        // Written by this version: reading and writing again gives the same bytes.
        #expect(history.jsonData() == (try Data(contentsOf: url)))
    }
}
