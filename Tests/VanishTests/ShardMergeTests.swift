import Figures
import Foundation
import GradientData
import Testing
import TestSupport
import VanishCommands

/// `vanish run --shard i/n` and `vanish merge`: the merged report is the one-machine report, byte
/// for byte; bad sets of shards are refused in one line with nothing written.
@Suite struct ShardMergeTests {
    /// Every regular file under `folder` (hidden ones included), by relative path.
    static func files(of folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for path in VanishExecutable.contents(of: folder) {
            let url = folder.appendingPathComponent(path)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                result[path] = try Data(contentsOf: url)
            }
        }
        return result
    }

    /// Trains `spec` in `count` shards under `root`, merges them, and returns the merged folder's files.
    static func shardAndMerge(_ spec: String, count: Int, root: URL, order: [Int]? = nil) throws -> [String: Data] {
        var folders: [String] = []
        for index in 0..<count {
            let folder = root.appendingPathComponent("shards-\(count)/\(index)").path
            let result = try TrainExperiment.runShard(TrainRequest(specOrPreset: spec, outputFolder: folder), shard: try Shard(index: index, count: count))
            #expect(result.manifest.runs.map(\.index) == Array(stride(from: index, to: result.manifest.runsInSpec, by: count)))
            #expect(result.history.runs.count == result.manifest.runs.count)
            folders.append(folder)
        }
        let merged = root.appendingPathComponent("merged-\(count)")
        let result = try MergeShards.run(MergeRequest(shards: (order ?? Array((0..<count).reversed())).map { folders[$0] }, outputFolder: merged.path))
        #expect(result.warning == nil)
        return try files(of: merged)
    }

    @Test func aMergeDrawsTheFiguresAtTheSizeAndThemeRunWould() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-shards")
        defer { try? FileManager.default.removeItem(at: root) }
        let appearance = FigureAppearance(size: .aspect(width: 16, height: 9), theme: .dark)
        let one = root.appendingPathComponent("one")
        _ = try RunReport.run(RunRequest(specOrPreset: "quick", outputFolder: one.path, formats: [.png], appearance: appearance))
        var folders: [String] = []
        for index in 0..<2 {
            let folder = root.appendingPathComponent("shard-\(index)").path
            _ = try TrainExperiment.runShard(TrainRequest(specOrPreset: "quick", outputFolder: folder), shard: try Shard(index: index, count: 2))
            folders.append(folder)
        }
        let merged = root.appendingPathComponent("merged")
        _ = try MergeShards.run(MergeRequest(shards: folders, outputFolder: merged.path, formats: [.png], appearance: appearance))
        let expected = try Self.files(of: one), got = try Self.files(of: merged)
        #expect(got.keys.sorted() == expected.keys.sorted())
        #expect(got == expected, "the merged figures are the dark 16:9 ones run writes")
        let light = try Self.shardAndMerge("quick", count: 2, root: root)
        #expect(got["figures/heatmaps.png"] != nil && got["figures/heatmaps.png"] != light["figures/heatmaps.png"], "and not the default light ones")
    }

    static let seedsSpec = """
        {"name": "two-seeds", "title": "The zoo in miniature, two seeds", "dataset": "digits", "depth": 6, "width": 16,
         "batchSize": 64, "steps": 30, "optimizer": {"kind": "sgd", "learningRate": 0.01, "momentum": 0.9},
         "init": "xavier-normal", "seeds": [0, 1], "recordEvery": 1,
         "networks": [{"name": "sigmoid", "activation": "sigmoid"}, {"name": "tanh", "activation": "tanh"},
                      {"name": "relu", "activation": "relu", "init": "he-normal"}]}
        """

    @Test func mergedShardsOfQuickAreTheOneMachineReportByteForByte() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-shards")
        defer { try? FileManager.default.removeItem(at: root) }
        let one = root.appendingPathComponent("one")
        _ = try RunReport.run(RunRequest(specOrPreset: "quick", outputFolder: one.path))
        let expected = try Self.files(of: one)
        #expect(expected.keys.contains("report.pdf") && expected.keys.contains("history.csv") && expected.keys.contains("figures/heatmaps.png"))
        #expect(expected.count == 26)
        // 1, 2 and 3 shards, and 7 (two of them empty) for quick's 5 runs.
        for count in [1, 2, 3, 7] {
            let merged = try Self.shardAndMerge("quick", count: count, root: root)
            #expect(merged.keys.sorted() == expected.keys.sorted(), "\(count) shards")
            for (path, bytes) in expected where merged[path] != bytes {
                Issue.record("\(count) shards: \(path) differs from the one-machine run")
            }
        }
    }

    @Test func networksTimesSeedsAndRecurrentSpecsMergeByteForByte() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-shards")
        defer { try? FileManager.default.removeItem(at: root) }
        let specFile = root.appendingPathComponent("two-seeds.json")
        try Data(Self.seedsSpec.utf8).write(to: specFile)
        let recurrentFile = root.appendingPathComponent("cells.json")
        try Data("""
            {"name": "cells", "task": {"kind": "adding", "length": 12}, "batchSize": 16, "steps": 12,
             "optimizer": {"kind": "adam", "learningRate": 0.003}, "forgetBias": 1, "clipNorm": 1, "seeds": [0, 1],
             "networks": [{"name": "rnn", "cell": "tanh", "hidden": 8}, {"name": "lstm", "cell": "lstm", "hidden": 8},
                          {"name": "gru", "cell": "gru", "hidden": 8}]}
            """.utf8).write(to: recurrentFile)
        for (spec, count) in [(specFile.path, 4), (recurrentFile.path, 2)] {
            let one = root.appendingPathComponent("one-\(count)")
            _ = try RunReport.run(RunRequest(specOrPreset: spec, outputFolder: one.path, formats: [.pdf, .png, .svg]))
            let expected = try Self.files(of: one)
            let folders = try (0..<count).map { index in
                let folder = root.appendingPathComponent("\(count)/\(index)").path
                _ = try TrainExperiment.runShard(TrainRequest(specOrPreset: spec, outputFolder: folder, threads: 1), shard: try Shard(index: index, count: count))
                return folder
            }
            let merged = root.appendingPathComponent("merged-\(count)")
            _ = try MergeShards.run(MergeRequest(shards: folders, outputFolder: merged.path, formats: [.pdf, .png, .svg]))
            let found = try Self.files(of: merged)
            #expect(found.keys.sorted() == expected.keys.sorted(), "\(spec)")
            #expect(found == expected, "\(spec): the merged report differs from the one-machine run")
        }
    }

    /// A workspace with a shard set of `quick` in three shards, trained once for the tests below.
    static func threeShards() throws -> URL {
        let root = try TestPaths.makeTemporaryFolder("vanish-shard-cli")
        for index in 0..<3 {
            let outcome = try VanishExecutable.run(["run", "quick", "--shard", "\(index)/3", "--out", "s/\(index)"], in: root)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        return root
    }

    @Test func theCommandLinePrintsWhatAShardHoldsAndAnEmptyShardSaysSo() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-shard-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let outcome = try VanishExecutable.run(["train", "quick", "--shard", "1/3", "--out", "a"], in: root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "shard 1/3 of quick: 2 of 5 runs (tanh (seed 0), sigmoid+residual (seed 0))\na/history.json\na/shard.json\n")
        let empty = try VanishExecutable.run(["run", "quick", "--shard", "5/6", "--out", "e"], in: root)
        #expect(empty.stdout == "shard 5/6 of quick: no run (the spec has 5 runs, fewer than 6 shards); an empty shard, which merge accepts\ne/history.json\ne/shard.json\n")
        let manifest = try ShardManifest.decode(Data(contentsOf: root.appendingPathComponent("e/shard.json")), source: "e")
        #expect(try manifest.runs.isEmpty && manifest.shard == Shard(index: 5, count: 6))
        // Without --out: Reports/<spec>/shards/<i>-of-<n>.
        let standard = try VanishExecutable.run(["run", "quick", "--shard", "0/2", "--quiet"], in: root)
        #expect(standard.stdout == "Reports/quick/shards/0-of-2/history.json\nReports/quick/shards/0-of-2/shard.json\n")
    }

    @Test func aRetriedShardRewritesItsOwnFolderAndTheMergeIsUnchanged() throws {
        let root = try Self.threeShards()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try VanishExecutable.run(["merge", "s/0", "s/1", "s/2", "--out", "m1"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Self.files(of: root.appendingPathComponent("s/1"))
        let retry = try VanishExecutable.run(["run", "quick", "--shard", "1/3", "--out", "s/1", "--threads", "1"], in: root)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try Self.files(of: root.appendingPathComponent("s/1")) == before)
        #expect(VanishExecutable.contents(of: root.appendingPathComponent("s/1")) == [".vanish-files", "history.json", "shard.json"])
        let second = try VanishExecutable.run(["merge", "s/2/shard.json", "s/1", "s/0", "--out", "m2"], in: root)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.files(of: root.appendingPathComponent("m1")) == Self.files(of: root.appendingPathComponent("m2")))
    }

    @Test func missingRepeatedAndForeignShardsAreRefusedWithNothingWritten() throws {
        let root = try Self.threeShards()
        defer { try? FileManager.default.removeItem(at: root) }
        let other = try VanishExecutable.run(["train", "quick", "--seed", "4", "--shard", "1/3", "--out", "other"], in: root)
        #expect(other.status == 0, "\(other.stderr)")
        let workspace = VanishExecutable.contents(of: root)
        func refused(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let outcome = try VanishExecutable.run(arguments, in: root)
            #expect(outcome.status == 2, sourceLocation: sourceLocation)
            #expect(outcome.stderr == "Error: " + message + "\n", sourceLocation: sourceLocation)
            #expect(outcome.stdout.isEmpty, sourceLocation: sourceLocation)
            #expect(VanishExecutable.contents(of: root) == workspace, "nothing may be written", sourceLocation: sourceLocation)
        }
        try refused(["merge", "s/0", "s/2", "--out", "m"], "cannot merge the shards of 'quick': missing shard 1/3 (train it with --shard 1/3, then merge again)")
        try refused(["merge", "s/0", "s/1", "s/2", "s/1", "--out", "m"], "cannot merge the shards of 'quick': shard 1/3 given 2 times: s/1, s/1")
        let hash = ExperimentSpec.quick.specHash.prefix(12)
        let otherHash = ExperimentSpec.quick.withSeed(4).specHash.prefix(12)
        try refused(["merge", "s/0", "other", "s/2", "--out", "m"],
                    "cannot merge the shards of 'quick': from another spec: other (spec 'quick', hash \(otherHash)…) "
                        + "(the others are of spec 'quick', hash \(hash)…); missing shard 1/3 (train it with --shard 1/3, then merge again)")
        try refused(["merge", "s/0", "s/1", "s/2", "--out", "s/1"], "--out s/1 is a shard folder (s/1); give the report a folder of its own")
        try refused(["merge", "s", "--out", "m"], "s: not a shard folder (no shard.json; `vanish run SPEC --shard i/n` writes one)")
        try refused(["merge", "nowhere", "--out", "m"], "nowhere: does not exist; merge takes the folders `vanish run SPEC --shard i/n` writes")
        try refused(["run", "quick", "--shard", "3/3", "--out", "m"],
                    "--shard 3/3: the shard index counts from 0 and must be below 3 (0 to 2, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count)")
        try refused(["train", "quick", "--shard", "-1/3", "--out", "m"],
                    "--shard -1/3: the shard index counts from 0 and must be below 3 (0 to 2, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count)")
        try refused(["run", "quick", "--shard", "two", "--out", "m"], "--shard takes INDEX/COUNT, such as 0/4 (the first of 4 shards), found 'two'")

        // A shard folder whose history is another shard's.
        let swapped = root.appendingPathComponent("s/1/history.json")
        let own = try Data(contentsOf: swapped)
        try Data(contentsOf: root.appendingPathComponent("s/2/history.json")).write(to: swapped)
        try refused(["merge", "s/0", "s/1", "s/2", "--out", "m"],
                    "s/1/history.json: its runs (1) are not those of shard 1/3 (2: tanh (seed 0), sigmoid+residual (seed 0))")
        try own.write(to: swapped)
    }

    @Test func shardsFromDifferentKernelsMergeWithAWarning() throws {
        let root = try Self.threeShards()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("s/2/shard.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        let core = try #require(try ShardManifest.decode(Data(text.utf8), source: "s").kernel.openBLASCore)
        try Data(text.replacingOccurrences(of: "\"openBLASCore\": \"\(core)\"", with: "\"openBLASCore\": \"Elsewhere\"").utf8).write(to: file)
        let outcome = try VanishExecutable.run(["merge", "s/0", "s/1", "s/2", "--out", "m", "--format", "pdf"], in: root)
        #expect(outcome.status == 0)
        #expect(outcome.stderr.hasPrefix("warning: the shards were trained with different matrix kernels (shards 0/3, 1/3: "))
        #expect(outcome.stderr.contains("; shards 2/3: vanish kernel") || outcome.stderr.contains("; shards 2/3: openblas kernel"))
        #expect(outcome.stderr.filter { $0 == "\n" }.count == 1)
        #expect(outcome.stdout == "m/history.json\nm/history.csv\nm/report.pdf\n")
    }
}
