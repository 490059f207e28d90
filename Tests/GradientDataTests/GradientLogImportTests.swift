import Foundation
import GradientData
import Testing
import TestSupport

/// Gradient logs from other frameworks: PyTorch's layer names, optional columns, and one clear line per malformed file.
@Suite struct GradientLogImportTests {
    static func read(_ text: String) throws -> GradientHistory {
        try GradientLogImport.read(Data(text.utf8), source: "logs/runs.csv")
    }

    /// The error line a log gives, or "" when it imports.
    static func error(_ text: String) -> String {
        do {
            _ = try read(text)
            return ""
        } catch {
            return "\(error)"
        }
    }

    static let pytorch = """
        network,step,layer,weightGradNorm,loss
        mlp,0,inp,0.001,2.5
        mlp,0,hidden.0,0.01,2.5
        mlp,0,hidden.1,0.1,2.5
        mlp,0,out,1,2.5
        mlp,1,inp,0.002,2.25
        mlp,1,hidden.0,0.02,2.25
        mlp,1,hidden.1,0.2,2.25
        mlp,1,out,2,2.25

        """

    @Test func pytorchNamesKeepTheirOrderAndTheLastLayerIsTheOutput() throws {
        let history = try Self.read(Self.pytorch)
        #expect(history.runs.count == 1)
        let run = try #require(history.runs.first)
        #expect(run.network == "mlp" && run.seed == 0)
        #expect(run.layers == ["inp", "hidden.0", "hidden.1", "out"])
        #expect(run.steps == [0, 1])
        #expect(run.stats.weightGradNorm == [[0.001, 0.01, 0.1, 1], [0.002, 0.02, 0.2, 2]])
        #expect(run.loss == [2.5, 2.25])
        // Columns the log lacks are not recorded, not zero.
        #expect(run.stats.biasGradNorm.isEmpty && run.stats.saturatedFraction.isEmpty && run.trainAccuracy.isEmpty)
        #expect(run.testAccuracy.isEmpty && run.diverged == nil)
        #expect(run.settings.importedFrom == "runs.csv" && run.settings.depth == 3)
        #expect(history.spec.importedFrom == "runs.csv")
        #expect(history.spec.name == "runs" && history.spec.title == "Gradients imported from runs.csv")
    }

    @Test func aRealPyTorchLogImports() throws {
        let url = TestPaths.fixtures.appendingPathComponent("import/pytorch-mlp.csv")
        let history = try GradientLogImport.load(contentsOf: url)
        #expect(history.runs.map(\.network) == ["sigmoid", "relu"])
        for run in history.runs {
            #expect(run.layers == ["inp"] + (0..<5).map { "hidden.\($0)" } + ["out"])
            #expect(run.steps == Array(0..<10))
            #expect(run.loss.count == 10 && run.stats.weightGradNorm.allSatisfy { $0.count == 7 })
        }
        // The sigmoid's first layer gets about 10⁻⁵ of its output layer's gradient at step 0.
        let sigmoid = try #require(history.runs.first?.stats.weightGradNorm.first)
        let ratio = try #require(sigmoid.first) / (try #require(sigmoid.last))
        #expect(ratio > 1e-6 && ratio < 1e-4)
    }

    @Test func optionalColumnsSeedsQuotesAndInterleavedNetworks() throws {
        let history = try Self.read("""
            seed,network,step,layer,weightGradNorm,saturatedFraction,trainAccuracy
            1,"net, wide",0,a,1,0.5,0.25
            1,b,0,a,3,,
            1,"net, wide",0,z,2,,0.75
            1,b,0,z,4,,
            2,b,5,a,nan,,
            2,b,5,z,inf,,
            """)
        #expect(history.runs.map(\.network) == ["net, wide", "b", "b"])
        #expect(history.runs.map(\.seed) == [1, 1, 2])
        #expect(history.spec.seeds == [1, 2] && history.spec.networks.map(\.name) == ["net, wide", "b"])
        let wide = history.runs[0]
        #expect(wide.stats.weightGradNorm == [[1, 2]])
        // The first value of a step counts; empty cells of a recorded statistic are NaN.
        #expect(wide.trainAccuracy == [0.25])
        #expect(wide.stats.saturatedFraction[0][0] == 0.5 && wide.stats.saturatedFraction[0][1].isNaN)
        #expect(history.runs[1].stats.saturatedFraction.isEmpty && history.runs[1].trainAccuracy.isEmpty)
        // A gradient that is not finite marks the step as diverged, as in training.
        #expect(history.runs[2].diverged == 5 && history.runs[1].diverged == nil)
        #expect(history.runs[2].stats.weightGradNorm[0][0].isNaN && history.runs[2].stats.weightGradNorm[0][1] == .infinity)
    }

    @Test func historyCSVImportsBackAndTheImportWritesAndReadsAsJSON() throws {
        let history = try Self.read(Self.pytorch)
        let again = try GradientLogImport.read(history.csvData(), source: "runs.csv")
        #expect(again.runs.map(\.stats.weightGradNorm) == history.runs.map(\.stats.weightGradNorm))
        #expect(again.runs.map(\.layers) == history.runs.map(\.layers))
        let decoded = try GradientHistory.decode(history.jsonData(), source: "history.json")
        #expect(decoded == history)
    }

    @Test func malformedLogsGiveOneLineWithTheLine() {
        let cases: [(String, String)] = [
            ("", "logs/runs.csv: empty file (expected a header: network,step,layer,weightGradNorm, …)"),
            ("network,step,layer,weightGradNorm\n", "logs/runs.csv: no rows after the header"),
            ("network,step,weightGradNorm\nm,0,1\n",
             "logs/runs.csv, line 1: missing required column 'layer' (required: network, step, layer, weightGradNorm)"),
            ("network,step,layer,weightGradNorm,grad\nm,0,a,1,2\n", "logs/runs.csv, line 1: unknown column 'grad' (valid: "),
            ("network,step,layer,weightGradNorm\nm,0,inp,1\nm,0,out,abc\n",
             "logs/runs.csv, line 3: weightGradNorm 'abc' is not a number"),
            ("network,step,layer,weightGradNorm\nm,0,inp,1\nm,x,out,1\n",
             "logs/runs.csv, line 3: step 'x' is not a whole number of 0 or more"),
            ("network,step,layer,weightGradNorm\nm,1,inp,1\nm,1,out,1\nm,0,inp,1\n",
             "logs/runs.csv, line 4: step 0 of network 'm' comes after step 1; steps must not go backwards within a network"),
            ("network,step,layer,weightGradNorm\nm,0,inp,1\nm,0,out,1\nm,0,inp,2\n",
             "logs/runs.csv, line 4: a second row for network 'm', step 0, layer 'inp' (the first is on line 2)"),
            ("network,step,layer,weightGradNorm\nm,0,inp,1\nm,0,out,1\nm,1,inp,1\n",
             "logs/runs.csv, line 4: network 'm', step 1 has no row for layer 'out'; every logged step needs every layer"),
            ("network,step,layer,weightGradNorm\nm,0,inp,\n", "logs/runs.csv, line 2: empty weightGradNorm (required on every row)"),
            ("network,step,layer,weightGradNorm\nm,0,inp\n", "logs/runs.csv, line 2: 3 fields, expected 4 (one per header column)"),
            ("network,step,layer,weightGradNorm\n\"m,0,inp,1\n", "logs/runs.csv, line 2: a quoted field is never closed"),
        ]
        for (text, expected) in cases {
            let message = Self.error(text)
            #expect(message.hasPrefix(expected), "\(text.debugDescription) gave \(message.debugDescription)")
            #expect(!message.contains("\n"))
        }
    }

    /// Layers and runs are found by hash: four times the layers take about four times as long, not
    /// sixteen (a search per row made 100 000 layers take 21 s). A ratio, so a busy machine does not fail it.
    @Test func importIsLinearInLayers() throws {
        func log(layers: Int) -> String {
            var text = "network,step,layer,weightGradNorm\n"
            for step in 0..<2 {
                for layer in 0..<layers { text += "mlp,\(step),l\(layer),0.5\n" }
            }
            return text
        }
        func seconds(_ text: String) throws -> Double {
            var best = Double.infinity
            for _ in 0..<2 {
                let start = Date()
                let history = try Self.read(text)
                best = min(best, Date().timeIntervalSince(start))
                #expect(history.runs[0].steps == [0, 1])
            }
            return best
        }
        let small = try seconds(log(layers: 25_000))
        let large = try seconds(log(layers: 100_000))
        #expect(large / small < 8, "25 000 layers: \(small) s, 100 000 layers: \(large) s")
    }

    @Test func hugeStepsAndNULAreRefusedWithTheirLine() {
        #expect(Self.error("network,step,layer,weightGradNorm\nmlp,9007199254740993,a,1\n")
            == "logs/runs.csv, line 2: step 9007199254740993 is larger than 9007199254740992 (2^53), the largest vanish reads")
        #expect(Self.error("network,step,layer,weightGradNorm\nmlp,0,\"a\u{0}\",1\n")
            == "logs/runs.csv, line 2: column 3 holds a NUL byte (is it a binary file?)")
    }
}
