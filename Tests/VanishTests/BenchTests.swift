import Foundation
import Testing
import TestSupport
import VanishCommands

/// `vanish bench` on a tiny spec: the table has every row, each with a number (never a time limit).
@Suite struct BenchTests {
    static let tinySpec = """
        {"name": "tiny", "title": "Two tiny networks", "dataset": "digits", "depth": 3, "width": 8,
         "batchSize": 16, "steps": 4, "optimizer": {"kind": "sgd", "learningRate": 0.01},
         "init": "xavier-normal", "seeds": [0], "recordEvery": 1,
         "networks": [{"name": "sigmoid", "activation": "sigmoid"}, {"name": "relu", "activation": "relu"}]}
        """

    static func tinySpecFile() throws -> URL {
        let folder = try TestPaths.makeTemporaryFolder("vanish-bench")
        let url = folder.appendingPathComponent("tiny.json")
        try Data(tinySpec.utf8).write(to: url)
        return url
    }

    @Test func tinyBenchHasEveryRowWithNumbers() throws {
        let spec = try Self.tinySpecFile()
        var heard: [String] = []
        let report = try Bench.run(BenchRequest(specOrPreset: spec.path, repeats: 2, parts: [.training, .render, .memory])) {
            heard.append($0)
        }
        let names = report.rows.map(\.name)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // With several cores: how well the runs use them, and the speed-up of equal runs (one network, a seed per core).
        let parallel = cores > 1 ? ["tiny core use", "speed-up, \(cores) runs on \(cores) cores"] : []
        #expect(names == ["tiny training", "tiny steps per second"] + parallel + [
            "heatmap", "heatmaps (all networks)", "fading", "fading (all networks)", "film strip", "profile",
            "curves", "saturation", "summary", "all figures, one thread", "all figures, all cores", "report.pdf", "whole report", "peak resident",
        ])
        for row in report.rows {
            #expect(row.median.isFinite && row.median > 0, "\(row.name): \(row.samples)")
            #expect(row.samples.count == (row.part == "memory" ? 1 : 2), "\(row.name)")
        }
        let training = try #require(report.rows.first)
        #expect(training.note == "2 runs, 8 steps, \(ProcessInfo.processInfo.activeProcessorCount) threads")
        #expect(report.rows.first { $0.name == "heatmap" }?.note.hasSuffix("2 figures") == true)
        #expect(report.rows.first { $0.name == "whole report" }?.note.hasPrefix("13 PNG at 144 dpi") == true)
        #expect(heard.first == "training tiny 2 times")
        if cores == 2 {
            let speedUp = try #require(report.rows.first { $0.name == "speed-up, 2 runs on 2 cores" })
            #expect(speedUp.note.hasPrefix("sigmoid, seeds 0 and 1, 4 steps each, data loading included: "), "\(speedUp.note)")
        }

        // The printed table: a heading, a header and one line per row, numbers with a point, no commas.
        let lines = report.lines()
        #expect(lines.count == 2 + report.rows.count)
        #expect(lines[1].hasPrefix("part "))
        for (line, row) in zip(lines.dropFirst(2), report.rows) {
            #expect(line.hasPrefix(row.part))
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let median = row.medianText
            #expect(fields.contains(median), "\(line)")
            #expect(Double(median) != nil, "\(line)")
        }
    }

    @Test func onlyRunsTheChosenParts() throws {
        let report = try Bench.run(BenchRequest(specOrPreset: try Self.tinySpecFile().path, repeats: 1, parts: [.memory]))
        #expect(report.rows.map(\.name) == ["peak resident"])
        #expect(report.rows[0].unit == "MiB")
        #expect(try BenchPart.parseList("render, training,render") == [.render, .training])
        #expect(throws: RenderError.self) { try BenchPart.parseList("render,speed") }
        #expect(throws: RenderError.self) { try Bench.run(BenchRequest(repeats: 0, parts: [.memory])) }
    }

    @Test func shardRowsTimeShardedTrainingAndTheMergeAgainstTheirPlainForms() throws {
        let report = try Bench.run(BenchRequest(specOrPreset: try Self.tinySpecFile().path, repeats: 2, parts: [.shards]))
        #expect(report.rows.map(\.name) == ["train, one process", "train in 4 shards, one after another",
                                            "report from history.json", "merge of 4 shards"])
        for row in report.rows {
            #expect(row.part == "shards" && row.unit == "s" && row.samples.count == 2, "\(row.name)")
            #expect(row.median.isFinite && row.median > 0, "\(row.name): \(row.samples)")
        }
        #expect(report.rows[0].note == "2 runs, one thread, history.json + history.csv written")
        #expect(report.rows[1].note.hasSuffix(" ms more per shard"), "\(report.rows[1].note)")
        #expect(report.rows[3].note.hasPrefix("vanish merge: 4 histories read and checked, the same folder written; "))
    }

    @Test func gemmRowsHaveThePeakAndEveryWidth() throws {
        let report = try Bench.run(BenchRequest(specOrPreset: try Self.tinySpecFile().path, repeats: 1, parts: [.gemm]))
        let names = report.rows.map(\.name)
        #expect(names.first == "peak, one core")
        for width in [64, 256, 512, 1024] {
            #expect(names.contains { $0.hasPrefix("width \(width), ") }, "\(names)")
        }
        for row in report.rows {
            #expect(row.unit == "GFLOP/s")
            #expect(row.median.isFinite && row.median > 0, "\(row.name): \(row.samples)")
        }
        #expect(report.rows.dropFirst().allSatisfy { $0.note.contains(" % of peak") })
    }

    @Test func medianOfOddAndEvenCounts() {
        #expect(Bench.median([3, 1, 2]) == 2)
        #expect(Bench.median([4, 1, 3, 2]) == 2.5)
        #expect(Bench.median([]).isNaN)
    }

    @Test func theRecurrentRowSaysHowItComparesWithAGivenPyTorchTime() {
        #expect(Bench.recurrentNote(threads: 2, seconds: 9.8, pytorchSeconds: 85.7)
                == "3 cells, T = 100, hidden 64, 2 threads; PyTorch 85.7 s: 8.7× faster")
        #expect(Bench.recurrentNote(threads: 2, seconds: 4, pytorchSeconds: 2).hasSuffix("PyTorch 2.0 s: 2.0× slower"))
        let unmeasured = Bench.recurrentNote(threads: 2, seconds: 9.8, pytorchSeconds: nil)
        #expect(unmeasured.contains("tools/pytorch_through_time.py --steps 40") && unmeasured.hasSuffix("--pytorch-seconds"))
    }

    @Test func aPyTorchTimeThatIsNotPositiveIsRefusedBeforeMeasuring() {
        for seconds in [0, -3, Double.nan] {
            #expect(throws: RenderError.self) {
                _ = try Bench.run(BenchRequest(specOrPreset: "zoo", parts: [.recurrent], pytorchRecurrentSeconds: seconds))
            }
        }
    }
}
