/// Shards checked to be all of one spec's runs, each run exactly once, and merged into its history.
///
/// The checks read only the manifests (`shard.json`), so a missing, repeated or foreign shard is
/// refused before any history is read.
public struct ShardSet: Sendable {
    /// One shard as given: where it came from (for messages) and its manifest.
    public struct Member: Sendable {
        public var source: String
        public var manifest: ShardManifest

        public init(source: String, manifest: ShardManifest) {
            self.source = source
            self.manifest = manifest
        }
    }

    /// The shards, in the order given.
    public let members: [Member]

    /// Checks that `members` come from one spec (one spec hash), split one way (one shard count),
    /// and hold every shard of that split exactly once.
    ///
    /// - Throws: `ShardError`, one line naming every foreign, repeated and missing shard.
    public init(_ members: [Member]) throws(ShardError) {
        guard let first = members.first else { throw ShardError("merge needs the shard folders to merge") }
        var problems: [String] = []
        // The spec and the count most shards agree on are the reference: one stray shard is the one named.
        let hash = Self.mostCommon(members.map(\.manifest.specHash))
        let reference = members.first { $0.manifest.specHash == hash } ?? first
        let foreign = members.filter { $0.manifest.specHash != hash }
        if !foreign.isEmpty {
            let names = foreign.map { "\($0.source) (spec '\($0.manifest.specName.printable)', hash \($0.manifest.specHash.prefix(12))…)" }
            problems.append("from another spec: " + names.joined(separator: ", ")
                + " (the others are of spec '\(reference.manifest.specName.printable)', hash \(hash.prefix(12))…)")
        }
        let own = members.filter { $0.manifest.specHash == hash }
        let count = Self.mostCommon(own.map(\.manifest.shard.count))
        let otherSplit = own.filter { $0.manifest.shard.count != count }
        if !otherSplit.isEmpty {
            problems.append("split into another number of shards than the others (\(count)): "
                + otherSplit.map { "\($0.source) (shard \($0.manifest.shard))" }.joined(separator: ", "))
        }
        let split = own.filter { $0.manifest.shard.count == count }
        var byIndex: [Int: [Member]] = [:]
        for member in split { byIndex[member.manifest.shard.index, default: []].append(member) }
        for index in byIndex.keys.sorted() {
            guard let given = byIndex[index], given.count > 1 else { continue }
            problems.append("shard \(index)/\(count) given \(given.count) times: " + given.map(\.source).joined(separator: ", "))
        }
        for member in split {
            let manifest = member.manifest
            if manifest.runsInSpec != reference.manifest.runsInSpec || manifest.runs.map(\.index) != manifest.shard.runIndices(of: manifest.runsInSpec) {
                problems.append("\(member.source): its runs are not those of shard \(manifest.shard) (shard.json was edited, or is damaged)")
            }
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let listed = missing.prefix(20).map { "\($0)/\(count)" }.joined(separator: ", ") + (missing.count > 20 ? ", …" : "")
            problems.append("missing \(missing.count == 1 ? "shard" : "\(missing.count) shards") \(listed) "
                + "(train \(missing.count == 1 ? "it" : "them") with --shard \(missing.count == 1 ? listed : "INDEX/\(count)"), then merge again)")
        }
        guard problems.isEmpty else {
            throw ShardError("cannot merge the shards of '\(reference.manifest.specName.printable)': " + problems.joined(separator: "; "))
        }
        self.members = members.sorted { $0.manifest.shard.index < $1.manifest.shard.index }
    }

    /// The value most entries hold; a tie goes to the one met first.
    static func mostCommon<Value: Hashable>(_ values: [Value]) -> Value {
        var counts: [Value: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        var best = values[0]
        for value in values where counts[value, default: 0] > counts[best, default: 0] { best = value }
        return best
    }

    /// One line when the shards were trained with kernels that can give different bits, else nil.
    public var kernelWarning: String? {
        let kernels = members.map(\.manifest.kernel)
        guard let first = kernels.first, kernels.contains(where: { $0.mayDiffer(from: first) }) else { return nil }
        var groups: [(kernel: ShardManifest.Kernel, shards: [String])] = []
        for member in members {
            let kernel = member.manifest.kernel
            if let i = groups.firstIndex(where: { !$0.kernel.mayDiffer(from: kernel) }) {
                groups[i].shards.append(member.manifest.shard.description)
            } else {
                groups.append((kernel, [member.manifest.shard.description]))
            }
        }
        return "warning: the shards were trained with different matrix kernels ("
            + groups.map { "shards \($0.shards.joined(separator: ", ")): \($0.kernel)" }.joined(separator: "; ")
            + "); products wider than 128 (OpenBLAS) may differ in their last bits, so the merged report "
            + "may not be byte-identical to a run on one machine"
    }

    /// The data set's size, as the shards recorded it.
    public var data: DataSummary? { members.first?.manifest.data }

    /// The spec's history: every shard's runs in history order, as one machine would have written it.
    ///
    /// - Parameter histories: each member's history, in `members` order (`sources` names their files).
    /// - Throws: `ShardError` when a history is not the one its manifest describes.
    public func merge(_ histories: [GradientHistory], sources: [String]) throws(ShardError) -> GradientHistory {
        precondition(histories.count == members.count && sources.count == members.count, "one history per shard")
        var runs: [(index: Int, run: RunHistory)] = []
        for (k, history) in histories.enumerated() {
            let manifest = members[k].manifest
            guard history.spec.specHash == manifest.specHash else {
                throw ShardError("\(sources[k]): holds the history of another spec than its \(ShardManifest.fileName) says "
                    + "(spec '\(history.spec.name.printable)', hash \(history.spec.specHash.prefix(12))…, not \(manifest.specHash.prefix(12))…)")
            }
            let expected = history.spec.runKeys(of: manifest.shard)
            let found = history.runs.map { "\($0.network) (seed \($0.seed))" }
            guard expected == manifest.runs, found == expected.map(\.description) else {
                throw ShardError("\(sources[k]): its runs (\(found.count)) are not those of shard \(manifest.shard) "
                    + "(\(expected.count): \(expected.prefix(3).map(\.description).joined(separator: ", "))\(expected.count > 3 ? ", …" : ""))")
            }
            runs += zip(expected, history.runs).map { ($0.index, $1) }
        }
        runs.sort { $0.index < $1.index }
        return GradientHistory(spec: histories[0].spec, runs: runs.map(\.run), schema: histories[0].schema)
    }
}
