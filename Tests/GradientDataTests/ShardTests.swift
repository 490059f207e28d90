import Foundation
import GradientData
import Testing

/// `--shard i/n`: parsing, the deterministic slices, shard.json, and the checks merge makes.
@Suite struct ShardTests {
    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func shardOptionsParseAndBadOnesAreRefusedInOneLine() throws {
        let shard = try Shard.parse("2/8")
        #expect(shard.index == 2 && shard.count == 8)
        #expect(shard.description == "2/8" && shard.folderName == "2-of-8")
        #expect(try Shard.parse("0/1") == Shard(index: 0, count: 1))
        #expect(Self.message { _ = try Shard.parse("3/3") }
            == "--shard 3/3: the shard index counts from 0 and must be below 3 (0 to 2, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count)")
        #expect(Self.message { _ = try Shard.parse("-1/2") }.hasPrefix("--shard -1/2: the shard index counts from 0"))
        #expect(Self.message { _ = try Shard.parse("0/0") } == "--shard 0/0: the number of shards must be at least 1")
        for bad in ["", "1", "1/", "/2", "a/b", "1/2/3", "1.5/2", "1 /2"] {
            #expect(Self.message { _ = try Shard.parse(bad) }.hasPrefix("--shard takes INDEX/COUNT, such as 0/4"), "\(bad)")
        }
    }

    @Test func everyRunIsInExactlyOneShardDealtRoundRobin() throws {
        #expect(try Shard(index: 1, count: 3).runIndices(of: 8) == [1, 4, 7])
        #expect(try Shard(index: 0, count: 1).runIndices(of: 5) == [0, 1, 2, 3, 4])
        #expect(try Shard(index: 5, count: 7).runIndices(of: 5) == [], "more shards than runs: the last ones are empty")
        for total in [0, 1, 5, 12, 37] {
            for count in 1...9 {
                let all = try (0..<count).flatMap { try Shard(index: $0, count: count).runIndices(of: total) }
                #expect(all.sorted() == Array(0..<total), "\(total) runs in \(count) shards")
                // Balanced: no shard holds more than one run more than another.
                let sizes = try (0..<count).map { try Shard(index: $0, count: count).runIndices(of: total).count }
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
            }
        }
    }

    @Test func runKeysFollowHistoryOrderNetworksThenSeeds() throws {
        var spec = ExperimentSpec.quick
        spec.seeds = [4, 7]
        #expect(spec.runCount == 10)
        #expect(spec.runKeys(of: try Shard(index: 1, count: 4)) == [
            .init(index: 1, network: "sigmoid", seed: 7), .init(index: 5, network: "relu", seed: 7),
            .init(index: 9, network: "sigmoid+residual", seed: 7),
        ])
        // A depth sweep counts each (network, depth) as a network.
        let sweep = ExperimentSpec.depthSweep
        #expect(sweep.runCount == 5 * 10 * 5)
        #expect(sweep.runKey(57) == .init(index: 57, network: "tanh depth 4", seed: 2))
    }

    @Test func theSpecHashIsTheSHA256OfTheSpecJSONAndChangesWithAnySetting() {
        let hash = ExperimentSpec.quick.specHash
        #expect(hash == SHA256.hex(Array(ExperimentSpec.quick.jsonData())))
        #expect(hash.count == 64 && hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(ExperimentSpec.quick.withSeed(3).specHash != hash)
        var other = ExperimentSpec.quick
        other.networks[2].`init` = .xavierNormal
        #expect(other.specHash != hash)
        #expect(ExperimentSpec.zoo.specHash != hash)
    }

    static let kernel = ShardManifest.Kernel(matrix: "vanish", openBLASCore: "Haswell", vectorUnit: "avx2")
    static let digits = DataSummary(name: "digits", examples: 1797, features: 64, classes: 10, trainCount: 1437, testCount: 360)

    static func manifest(_ index: Int, of count: Int, spec: ExperimentSpec = .quick, kernel: ShardManifest.Kernel = kernel) throws -> ShardManifest {
        ShardManifest(shard: try Shard(index: index, count: count), spec: spec, kernel: kernel, data: digits)
    }

    @Test func manifestsReadBackAsWritten() throws {
        for manifest in [try Self.manifest(1, of: 3), try Self.manifest(6, of: 7),
                         ShardManifest(shard: try Shard(index: 0, count: 2), spec: .throughTime, kernel: Self.kernel, data: nil)] {
            let text = manifest.jsonData()
            #expect(try ShardManifest.decode(text, source: "s/shard.json") == manifest)
            #expect(manifest.jsonData() == text, "the same shard gives the same bytes")
        }
        let empty = try Self.manifest(6, of: 7)
        #expect(empty.runs.isEmpty && empty.runsInSpec == 5)
        let text = String(decoding: try Self.manifest(1, of: 3).jsonData(), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"format\": 1,\n  \"shard\": 1,\n  \"shards\": 3,\n  \"spec\": \"quick\",\n  \"specHash\": \"\(ExperimentSpec.quick.specHash)\""))
    }

    @Test func damagedManifestsAreOneLineWithTheirPath() throws {
        let good = String(decoding: try Self.manifest(1, of: 3).jsonData(), as: UTF8.self)
        func decode(_ text: String) -> String {
            Self.message { _ = try ShardManifest.decode(Data(text.utf8), source: "a/shard.json") }
        }
        #expect(decode("{") .hasPrefix("a/shard.json: not valid JSON at line 1, column 2"))
        #expect(decode("[]") == "a/shard.json: expected an object, found an array")
        #expect(decode(good.replacingOccurrences(of: "\"format\": 1", with: "\"format\": 2"))
            == "a/shard.json: format: shard format 2 is not supported (this vanish reads 1)")
        #expect(decode(good.replacingOccurrences(of: "\"shard\": 1,", with: "\"shard\": 3,"))
            == "a/shard.json: shard 3 of 3 is no shard (the index counts from 0 and stays below the count)")
        #expect(decode(good.replacingOccurrences(of: "\"shards\": 3,", with: "")) == "a/shard.json: shards: missing (expected an integer)")
        #expect(decode(good.replacingOccurrences(of: "\"seed\": 0", with: "\"seed\": \"0\""))
            == "a/shard.json: runs[0].seed: expected an integer, found a string (\"0\")")
        #expect(decode(good.replacingOccurrences(of: ExperimentSpec.quick.specHash, with: "abc"))
            == "a/shard.json: specHash: expected 64 lowercase hex digits, found 'abc'")
        #expect(decode(good.replacingOccurrences(of: "\"matrix\": \"vanish\",", with: "")) == "a/shard.json: kernel.matrix: missing (expected a string)")
    }

    static func members(_ manifests: [ShardManifest], names: [String]? = nil) -> [ShardSet.Member] {
        manifests.enumerated().map { ShardSet.Member(source: names?[$0.offset] ?? "s\($0.element.shard.index)", manifest: $0.element) }
    }

    @Test func aCompleteSetInAnyOrderMergesWithoutWarning() throws {
        let set = try ShardSet(Self.members([try Self.manifest(2, of: 3), try Self.manifest(0, of: 3), try Self.manifest(1, of: 3)]))
        #expect(set.members.map(\.manifest.shard.index) == [0, 1, 2])
        #expect(set.kernelWarning == nil)
        #expect(set.data == Self.digits)
        // Seven shards of five runs: the two empty ones belong to the set.
        _ = try ShardSet(Self.members(try (0..<7).map { try Self.manifest($0, of: 7) }))
    }

    @Test func missingRepeatedAndForeignShardsAreNamedInOneLine() throws {
        let three = try (0..<3).map { try Self.manifest($0, of: 3) }
        #expect(Self.message { _ = try ShardSet(Self.members([three[0], three[2]])) }
            == "cannot merge the shards of 'quick': missing shard 1/3 (train it with --shard 1/3, then merge again)")
        let four = try (0..<4).map { try Self.manifest($0, of: 4) }
        #expect(Self.message { _ = try ShardSet(Self.members([four[2]])) }
            == "cannot merge the shards of 'quick': missing 3 shards 0/4, 1/4, 3/4 (train them with --shard INDEX/4, then merge again)")
        #expect(Self.message { _ = try ShardSet(Self.members(three + [three[1]], names: ["a", "b", "c", "b-again"])) }
            == "cannot merge the shards of 'quick': shard 1/3 given 2 times: b, b-again")
        let foreign = try Self.manifest(1, of: 3, spec: ExperimentSpec.quick.withSeed(5))
        let hash = ExperimentSpec.quick.withSeed(5).specHash.prefix(12)
        #expect(Self.message { _ = try ShardSet(Self.members([three[0], foreign, three[2]], names: ["a", "other", "c"])) }
            == "cannot merge the shards of 'quick': from another spec: other (spec 'quick', hash \(hash)…) "
            + "(the others are of spec 'quick', hash \(ExperimentSpec.quick.specHash.prefix(12))…); "
            + "missing shard 1/3 (train it with --shard 1/3, then merge again)")
        #expect(Self.message { _ = try ShardSet(Self.members(three + [four[3]], names: ["a", "b", "c", "d"])) }
            == "cannot merge the shards of 'quick': split into another number of shards than the others (3): d (shard 3/4)")
        var edited = three[1]
        edited.runs.removeLast()
        #expect(Self.message { _ = try ShardSet(Self.members([three[0], edited, three[2]])) }
            == "cannot merge the shards of 'quick': s1: its runs are not those of shard 1/3 (shard.json was edited, or is damaged)")
        #expect(Self.message { _ = try ShardSet([]) } == "merge needs the shard folders to merge")
    }

    @Test func differentKernelsWarnButTheVectorUnitAloneDoesNot() throws {
        let avx512 = ShardManifest.Kernel(matrix: "vanish", openBLASCore: "Haswell", vectorUnit: "avx512")
        let quiet = try ShardSet(Self.members([try Self.manifest(0, of: 2), try Self.manifest(1, of: 2, kernel: avx512)]))
        #expect(quiet.kernelWarning == nil, "vanish's AVX2 and AVX-512 kernels give the same bits")
        let skylake = ShardManifest.Kernel(matrix: "vanish", openBLASCore: "SkylakeX", vectorUnit: "avx512")
        let mixed = try ShardSet(Self.members([try Self.manifest(0, of: 3), try Self.manifest(1, of: 3, kernel: skylake), try Self.manifest(2, of: 3)]))
        #expect(mixed.kernelWarning == "warning: the shards were trained with different matrix kernels "
            + "(shards 0/3, 2/3: vanish kernel (avx2), OpenBLAS Haswell; shards 1/3: vanish kernel (avx512), OpenBLAS SkylakeX); "
            + "products wider than 128 (OpenBLAS) may differ in their last bits, so the merged report may not be byte-identical to a run on one machine")
    }
}
