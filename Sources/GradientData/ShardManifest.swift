import Foundation

/// `shard.json`: what a shard folder holds, so that `vanish merge` can check a set of shards before
/// it reads their histories. Written beside the shard's `history.json`.
public struct ShardManifest: Sendable, Hashable {
    /// One run of a spec: its place in history order, its network (sweep point) and its seed.
    public struct RunKey: Sendable, Hashable, CustomStringConvertible {
        public var index: Int
        public var network: String
        public var seed: Int

        public init(index: Int, network: String, seed: Int) {
            self.index = index
            self.network = network
            self.seed = seed
        }

        /// `relu (seed 2)`.
        public var description: String { "\(network) (seed \(seed))" }
    }

    /// What decides the last bits of a product on the machine that trained the shard.
    ///
    /// Products of up to 2²⁰ multiply-adds (a batch of 64 through a 128-wide layer) take vanish's
    /// own kernel, whose AVX2 and AVX-512 paths give the same bits; wider ones, and every product
    /// of a recurrent network, take OpenBLAS, whose kernels differ from one CPU family to the next.
    public struct Kernel: Sendable, Hashable, CustomStringConvertible {
        /// The kernel training prefers: `vanish`, or `openblas` (no AVX2 or `VANISH_GEMM=openblas`).
        public var matrix: String
        /// The kernel set OpenBLAS runs (`Haswell`, `SkylakeX`, …).
        public var openBLASCore: String
        /// The vector unit vanish's own kernels use (`avx512`, `avx2`, `none`); for information:
        /// it does not change their results.
        public var vectorUnit: String

        public init(matrix: String, openBLASCore: String, vectorUnit: String) {
            self.matrix = matrix
            self.openBLASCore = openBLASCore
            self.vectorUnit = vectorUnit
        }

        /// Whether two machines with these kernels can give different bits.
        public func mayDiffer(from other: Kernel) -> Bool {
            matrix != other.matrix || openBLASCore != other.openBLASCore
        }

        /// `vanish kernel (avx2), OpenBLAS Haswell`.
        public var description: String { "\(matrix) kernel (\(vectorUnit)), OpenBLAS \(openBLASCore)" }
    }

    /// The file's name inside a shard folder.
    public static let fileName = "shard.json"
    /// The version of this file's layout.
    public static let currentFormat = 1

    public var shard: Shard
    /// The spec's name, for messages.
    public var specName: String
    /// `ExperimentSpec.specHash` of the spec the shard trained.
    public var specHash: String
    /// How many runs the whole spec has.
    public var runsInSpec: Int
    /// The shard's runs, in history order; empty for a shard beyond the last run.
    public var runs: [RunKey]
    public var kernel: Kernel
    /// The size of the spec's data set (first seed's split), which the report's settings page
    /// prints; nil for a recurrent spec (its task data is no table).
    public var data: DataSummary?

    public init(shard: Shard, spec: ExperimentSpec, kernel: Kernel, data: DataSummary?) {
        self.shard = shard
        specName = spec.name
        specHash = spec.specHash
        runsInSpec = spec.runCount
        runs = spec.runKeys(of: shard)
        self.kernel = kernel
        self.data = data
    }

    /// The manifest as JSON, keys in a fixed order: the same shard always gives the same bytes.
    public func jsonData() -> Data {
        var fields: [(String, OrderedJSON)] = [
            ("format", .int(Self.currentFormat)), ("shard", .int(shard.index)), ("shards", .int(shard.count)),
            ("spec", .string(specName)), ("specHash", .string(specHash)), ("runsInSpec", .int(runsInSpec)),
            ("runs", .array(runs.map { .object([("index", .int($0.index)), ("network", .string($0.network)), ("seed", .int($0.seed))]) })),
            ("kernel", .object([("matrix", .string(kernel.matrix)), ("openBLASCore", .string(kernel.openBLASCore)),
                                ("vectorUnit", .string(kernel.vectorUnit))])),
        ]
        if let data {
            fields.append(("data", .object([
                ("name", .string(data.name)), ("examples", .int(data.examples)), ("features", .int(data.features)),
                ("classes", .int(data.classes)), ("trainCount", .int(data.trainCount)), ("testCount", .int(data.testCount)),
            ])))
        }
        return Data(OrderedJSON.object(fields).text())
    }

    /// Reads a `shard.json`; every problem is one `ShardError` naming `source` and the JSON path.
    public static func decode(_ data: Data, source: String) throws(ShardError) -> ShardManifest {
        let document: JSONValue
        do {
            document = try JSONValue.parse(Array(data))
        } catch {
            throw ShardError("\(source): not valid JSON at \(error.description)")
        }
        let reader = ManifestReader(source: source)
        let top = try reader.object(document, path: "")
        let format = try reader.int(top, "format", path: "")
        guard format == currentFormat else {
            throw ShardError("\(source): format: shard format \(format) is not supported (this vanish reads \(currentFormat))")
        }
        let index = try reader.int(top, "shard", path: "")
        let count = try reader.int(top, "shards", path: "")
        let shard: Shard
        do {
            shard = try Shard(index: index, count: count)
        } catch {
            throw ShardError("\(source): shard \(index) of \(count) is no shard (the index counts from 0 and stays below the count)")
        }
        let hash = try reader.string(top, "specHash", path: "")
        guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ShardError("\(source): specHash: expected 64 lowercase hex digits, found '\(hash.printable)'")
        }
        guard case .array(let items)? = top["runs"] else { throw reader.missing("runs", type: "an array", path: "") }
        var runs: [RunKey] = []
        for (i, item) in items.enumerated() {
            let path = "runs[\(i)]"
            let run = try reader.object(item, path: path)
            runs.append(RunKey(index: try reader.int(run, "index", path: path), network: try reader.string(run, "network", path: path),
                               seed: try reader.int(run, "seed", path: path)))
        }
        let kernelFields = try reader.object(top["kernel"] ?? .null, path: "kernel")
        let kernel = Kernel(
            matrix: try reader.string(kernelFields, "matrix", path: "kernel"),
            openBLASCore: try reader.string(kernelFields, "openBLASCore", path: "kernel"),
            vectorUnit: try reader.string(kernelFields, "vectorUnit", path: "kernel"))
        var shape: DataSummary?
        if let value = top["data"] {
            let fields = try reader.object(value, path: "data")
            shape = DataSummary(
                name: try reader.string(fields, "name", path: "data"), examples: try reader.int(fields, "examples", path: "data"),
                features: try reader.int(fields, "features", path: "data"), classes: try reader.int(fields, "classes", path: "data"),
                trainCount: try reader.int(fields, "trainCount", path: "data"), testCount: try reader.int(fields, "testCount", path: "data"))
        }
        return ShardManifest(
            shard: shard, specName: try reader.string(top, "spec", path: ""), specHash: hash,
            runsInSpec: try reader.int(top, "runsInSpec", path: ""), runs: runs, kernel: kernel, data: shape)
    }

    private init(shard: Shard, specName: String, specHash: String, runsInSpec: Int, runs: [RunKey], kernel: Kernel, data: DataSummary?) {
        self.shard = shard
        self.specName = specName
        self.specHash = specHash
        self.runsInSpec = runsInSpec
        self.runs = runs
        self.kernel = kernel
        self.data = data
    }
}

/// Reads typed fields of a parsed `shard.json`, each problem naming the file and the JSON path.
private struct ManifestReader {
    let source: String

    func object(_ value: JSONValue, path: String) throws(ShardError) -> [String: JSONValue] {
        guard case .object(let fields) = value else {
            throw ShardError("\(source): \(path.isEmpty ? "" : path + ": ")expected an object, found \(value.kindDescription)")
        }
        return fields
    }

    func missing(_ key: String, type: String, path: String) -> ShardError {
        ShardError("\(source): \(Self.join(path, key)): missing (expected \(type))")
    }

    func int(_ fields: [String: JSONValue], _ key: String, path: String) throws(ShardError) -> Int {
        guard let value = fields[key] else { throw missing(key, type: "an integer", path: path) }
        guard case .number(let number) = value, number.rounded() == number, abs(number) <= 9_007_199_254_740_992 else {
            throw ShardError("\(source): \(Self.join(path, key)): expected an integer, found \(value.kindDescription)")
        }
        return Int(number)
    }

    func string(_ fields: [String: JSONValue], _ key: String, path: String) throws(ShardError) -> String {
        guard let value = fields[key] else { throw missing(key, type: "a string", path: path) }
        guard case .string(let text) = value else {
            throw ShardError("\(source): \(Self.join(path, key)): expected a string, found \(value.kindDescription)")
        }
        return text
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}
