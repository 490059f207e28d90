import Foundation

extension ExperimentSpec {
    /// The keys a spec's top level may hold, in the order they are documented.
    public static let keys = [
        "name", "title", "dataset", "depth", "width", "batchSize", "epochs", "steps", "optimizer", "init",
        "clipNorm", "seeds", "recordEvery", "networks", "initGain", "maxRecordedSteps", "depths", "trainExamples",
        "task", "forgetBias", "maxRecordedTimeSteps", "sweep",
    ]

    /// The keys a recurrent spec's top level may hold (one with a `task`).
    public static let recurrentKeys = [
        "name", "title", "task", "batchSize", "steps", "optimizer", "init", "forgetBias", "clipNorm", "seeds",
        "recordEvery", "networks", "maxRecordedSteps", "maxRecordedTimeSteps",
    ]

    /// The keys only an MLP spec's top level may hold.
    static let mlpOnlyKeys = keys.filter { !recurrentKeys.contains($0) }

    /// The keys a network of a spec may hold.
    public static var networkKeys: [String] { SpecFieldReader.networkKeys }

    /// Reads a spec from JSON, refusing unknown keys, wrong types and invalid values.
    ///
    /// - Parameters:
    ///   - data: the JSON text.
    ///   - source: names the spec in error messages (usually its path).
    /// - Throws: `SpecError` naming `source` and the JSON path of the first problem.
    public static func parse(_ data: Data, source: String) throws -> ExperimentSpec {
        if let line = InputFile.firstInvalidUTF8Line(data) {
            throw SpecError(source: source, path: "", message: "not UTF-8 text (line \(line) holds a byte that is not UTF-8)")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(Array(data))
        } catch {
            throw SpecError(source: source, path: "", message: "not valid JSON at \(error.description)")
        }
        var reader = SpecFieldReader(source: source)
        let top = try reader.object(root, path: "", allowed: keys)
        if top["task"] != nil { return try parseRecurrent(top, reader: reader, source: source) }
        for key in ["forgetBias", "maxRecordedTimeSteps"] where top[key] != nil {
            throw SpecError(source: source, path: key, message: "only a recurrent spec (one with a \"task\") takes \(key)")
        }
        let name = try reader.required(top, "name", reader.name)
        // A depth sweep sets every network's depth, so its own "depth" may be left out (the deepest is kept).
        let depths = try reader.optional(top, "depths", reader.depths)
        let sweep = try reader.optional(top, "sweep", reader.sweep)
        reader.sweptKeys = sweep?.axes.map(\.key.rawValue) ?? []
        let sweptDepth = sweep?.axis(.depth)?.values.max().map { Int($0) }
        let depth = try reader.optional(top, "depth", reader.positiveInt) ?? depths?.max() ?? sweptDepth
        var spec = ExperimentSpec(
            name: name,
            title: try reader.optional(top, "title", reader.string) ?? name,
            dataset: try reader.required(top, "dataset", reader.dataset),
            depth: try depth ?? reader.required(top, "depth", reader.positiveInt),
            width: try reader.required(top, "width", reader.positiveInt),
            batchSize: try reader.required(top, "batchSize", reader.positiveInt),
            epochs: try reader.optional(top, "epochs", reader.positiveInt),
            steps: try reader.optional(top, "steps", reader.positiveInt),
            optimizer: try reader.required(top, "optimizer", reader.optimizer),
            init: try reader.optional(top, "init", reader.initialization) ?? .xavierNormal,
            clipNorm: try reader.optional(top, "clipNorm", reader.positiveDouble),
            seeds: try reader.required(top, "seeds", reader.seeds),
            recordEvery: try reader.optional(top, "recordEvery", reader.positiveInt) ?? 1,
            networks: try reader.required(top, "networks", reader.networks),
            initGain: try reader.optional(top, "initGain", reader.positiveDouble),
            maxRecordedSteps: try reader.optional(top, "maxRecordedSteps", reader.positiveInt),
            depths: depths,
            trainExamples: try reader.optional(top, "trainExamples", reader.positiveInt))
        spec.sweep = sweep
        try spec.validate(source: source)
        return spec
    }

    /// The largest spec file vanish reads: a spec is a few hundred bytes; parsing a huge one as
    /// JSON would cost many times its size before the first error.
    public static let maxSpecBytes = 1 << 20

    /// The longest name, in UTF-8 bytes, that a folder may have on common file systems.
    public static let maxNameBytes = 255

    /// Why `name` cannot be a spec's or a network's name, or nil when it can.
    ///
    /// A spec's name becomes the folder `Reports/<name>`, so it must be one plain path component:
    /// not empty, no control character, no '/', no leading '.', at most `maxNameBytes` bytes. Names
    /// read from histories and imported logs pass the same rule before they name a folder.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "'\(name.printable)' holds a control character (names become file names)"
        }
        if name.contains("/") || name.hasPrefix(".") {
            return "'\(name.printable)' cannot name a folder (no '/', no leading '.')"
        }
        if name.utf8.count > maxNameBytes {
            return "is \(name.utf8.count) bytes long; a name becomes a folder name, at most \(maxNameBytes) bytes"
        }
        return nil
    }

    /// `Reports/<name>`, the default output folder of a spec or history; refuses a name that
    /// would leave `Reports` (`nameProblem`), whatever file it came from.
    ///
    /// - Parameter source: names the file the spec came from, in the error.
    public func defaultOutputFolder(source: String) throws -> URL {
        if let problem = Self.nameProblem(name) {
            throw SpecError(source: source, path: "name", message: problem + "; give --out")
        }
        return URL(fileURLWithPath: "Reports", isDirectory: true).appendingPathComponent(name, isDirectory: true)
    }

    /// Reads a recurrent spec's fields (`top` has a `task`), refusing the keys only an MLP spec takes.
    static func parseRecurrent(_ top: SpecFieldReader.Fields, reader: SpecFieldReader, source: String) throws -> ExperimentSpec {
        // The task decides that this is a recurrent spec: a bad one is reported before the keys it rules out.
        let task = try reader.required(top, "task", reader.task)
        for key in mlpOnlyKeys.sorted() where top[key] != nil {
            let hint = key == "epochs" ? "; a recurrent spec counts its length in \"steps\"" : ""
            throw SpecError(source: source, path: key, message: "\"\(key)\" belongs to an MLP spec, not a recurrent one "
                + "(this spec has a \"task\")\(hint)")
        }
        let name = try reader.required(top, "name", reader.name)
        let spec = ExperimentSpec.recurrent(
            name: name,
            title: try reader.optional(top, "title", reader.string) ?? name,
            task: task,
            batchSize: try reader.required(top, "batchSize", reader.positiveInt),
            steps: try reader.required(top, "steps", reader.positiveInt),
            optimizer: try reader.required(top, "optimizer", reader.optimizer),
            init: try reader.optional(top, "init", reader.recurrentInitialization),
            forgetBias: try reader.optional(top, "forgetBias", reader.double),
            clipNorm: try reader.optional(top, "clipNorm", reader.positiveDouble),
            seeds: try reader.required(top, "seeds", reader.seeds),
            recordEvery: try reader.optional(top, "recordEvery", reader.positiveInt) ?? 1,
            networks: try reader.required(top, "networks", reader.recurrentNetworks),
            maxRecordedSteps: try reader.optional(top, "maxRecordedSteps", reader.positiveInt),
            maxRecordedTimeSteps: try reader.optional(top, "maxRecordedTimeSteps", reader.positiveInt))
        try spec.validate(source: source)
        return spec
    }

    /// Reads the spec in the file at `url`; errors name the file.
    public static func load(contentsOf url: URL) throws -> ExperimentSpec {
        let data: Data
        do {
            data = try InputFile.read(url, maxBytes: maxSpecBytes)
        } catch {
            throw SpecError(source: url.relativePath, path: "", message: error.message)
        }
        return try parse(data, source: url.relativePath)
    }

    /// Checks what no single field can: every run has a length, network names are unique.
    ///
    /// Specs built in code go through this too, so a run never starts from a spec a file could not hold.
    public func validate(source: String) throws {
        func fail(_ path: String, _ message: String) -> SpecError {
            SpecError(source: source, path: path, message: message)
        }
        if networks.isEmpty { throw fail("networks", "needs at least one network") }
        if seeds.isEmpty { throw fail("seeds", "needs at least one seed") }
        for key in [("depth", depth), ("width", width), ("batchSize", batchSize), ("recordEvery", recordEvery)]
        where key.1 < 1 {
            throw fail(key.0, "must be at least 1, found \(key.1)")
        }
        var seen: [String] = []
        for (index, network) in networks.enumerated() {
            let path = "networks[\(index)]"
            if network.name.isEmpty { throw fail("\(path).name", "must not be empty") }
            if seen.contains(network.name) {
                throw fail("\(path).name", "'\(network.name.printable)' names two networks; names must be unique")
            }
            seen.append(network.name)
            if depths != nil, sweep == nil, network.depth != nil {
                throw fail("\(path).depth", "\"depths\" sets every network's depth; remove this key or \"depths\"")
            }
            let hasLength = network.steps != nil || network.epochs != nil || steps != nil || epochs != nil
            if !hasLength {
                throw fail(path, "no training length: set \"epochs\" or \"steps\" here or at the top level")
            }
        }
        if let depths {
            if depths.isEmpty { throw fail("depths", "needs at least one depth") }
            if let bad = depths.firstIndex(where: { $0 < 1 }) {
                throw fail("depths[\(bad)]", "must be at least 1, found \(depths[bad])")
            }
            for (i, d) in depths.enumerated() where depths[..<i].contains(d) {
                throw fail("depths[\(i)]", "depth \(d) is listed twice")
            }
            let names = expandedNetworks.map(\.name)
            for (i, name) in names.enumerated() where names[..<i].contains(name) {
                throw fail("networks", "the sweep names two runs '\(name)'; rename a network")
            }
        }
        if let sweep {
            try validateSweep(sweep, source: source)
            let names = expandedNetworks.map(\.name)
            var seenNames = Set<String>()
            for name in names where !seenNames.insert(name).inserted {
                throw fail("networks", "the sweep names two runs '\(name.printable)'; rename a network")
            }
        }
        if let trainExamples, trainExamples < 1 { throw fail("trainExamples", "must be at least 1, found \(trainExamples)") }
    }

    static func jsonReason(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}

/// Turns untyped JSON into spec fields, one checked conversion per kind of field.
struct SpecFieldReader {
    let source: String
    /// The keys the spec's `sweep` sets: an init object may then leave out the swept variance.
    var sweptKeys: [String] = []

    typealias Fields = [String: JSONValue]

    func fail(_ path: String, _ message: String) -> SpecError {
        SpecError(source: source, path: path, message: message)
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key.printable : "\(path).\(key.printable)" }

    /// The object's fields, after refusing any key not in `allowed`.
    func object(_ value: JSONValue, path: String, allowed: [String]) throws -> Fields {
        guard case .object(let fields) = value else {
            throw fail(path, "expected an object, found \(value.kindDescription)")
        }
        // Sorted, so the same file always reports the same key first.
        for key in fields.keys.sorted() where !allowed.contains(key) {
            throw fail(Self.join(path, key), "unknown key\(NameSuggestion.hint(for: key, among: allowed)) "
                + "(valid: \(allowed.joined(separator: ", ")))")
        }
        return fields
    }

    func optional<T>(_ fields: Fields, _ key: String, _ convert: (JSONValue, String) throws -> T,
                     path: String = "") throws -> T? {
        guard let value = fields[key] else { return nil }
        if case .null = value { return nil }
        return try convert(value, Self.join(path, key))
    }

    func required<T>(_ fields: Fields, _ key: String, _ convert: (JSONValue, String) throws -> T,
                     path: String = "") throws -> T {
        guard let result = try optional(fields, key, convert, path: path) else {
            throw fail(Self.join(path, key), "missing (required)")
        }
        return result
    }

    func string(_ value: JSONValue, _ path: String) throws -> String {
        guard case .string(let text) = value else {
            throw fail(path, "expected a string, found \(value.kindDescription)")
        }
        return text
    }

    func name(_ value: JSONValue, _ path: String) throws -> String {
        let text = try string(value, path)
        if let problem = ExperimentSpec.nameProblem(text) { throw fail(path, problem) }
        return text
    }

    func bool(_ value: JSONValue, _ path: String) throws -> Bool {
        guard case .bool(let flag) = value else {
            throw fail(path, "expected true or false, found \(value.kindDescription)")
        }
        return flag
    }

    func double(_ value: JSONValue, _ path: String) throws -> Double {
        guard case .number(let number) = value else {
            throw fail(path, "expected a number, found \(value.kindDescription)")
        }
        if !number.isFinite { throw fail(path, "must be a finite number, found \(number)") }
        return number
    }

    func int(_ value: JSONValue, _ path: String) throws -> Int {
        guard case .number(let number) = value, number.isFinite, number.rounded() == number,
              abs(number) <= 9_007_199_254_740_992
        else {
            throw fail(path, "expected an integer, found \(value.kindDescription)")
        }
        return Int(number)
    }

    func positiveInt(_ value: JSONValue, _ path: String) throws -> Int {
        let number = try int(value, path)
        if number < 1 { throw fail(path, "must be at least 1, found \(number)") }
        return number
    }

    func positiveDouble(_ value: JSONValue, _ path: String) throws -> Double {
        let number = try double(value, path)
        if number <= 0 { throw fail(path, "must be greater than 0, found \(number)") }
        return number
    }

    /// A number in [0, 1): momentum and Adam's decay rates.
    func rate(_ value: JSONValue, _ path: String) throws -> Double {
        let number = try double(value, path)
        if !(0..<1).contains(number) { throw fail(path, "must be in [0, 1), found \(number)") }
        return number
    }

    func choice<T: RawRepresentable & CaseIterable>(_ value: JSONValue, _ path: String, _ what: String) throws -> T
    where T.RawValue == String {
        let text = try string(value, path)
        guard let result = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue)
            throw fail(path, "unknown \(what) '\(text.printable)'\(NameSuggestion.hint(for: text, among: names)) "
                + "(valid: \(names.joined(separator: ", ")))")
        }
        return result
    }

    func activation(_ value: JSONValue, _ path: String) throws -> Activation {
        try choice(value, path, "activation")
    }

    /// A named initialisation (`"he-normal"`) or one by variances (`{"weightVariance": 1.5, "biasVariance": 0.05}`).
    ///
    /// `biasVariance` may be left out (0); `weightVariance` too when the spec's sweep sets it.
    func initialization(_ value: JSONValue, _ path: String) throws -> Initialization {
        let names = Initialization.named.map(\.name)
        switch value {
        case .string(let text):
            guard let named = Initialization(name: text) else {
                throw fail(path, "unknown init '\(text.printable)'\(NameSuggestion.hint(for: text, among: names)) "
                    + "(valid: \(names.joined(separator: ", ")), or {\"weightVariance\": σ_w², \"biasVariance\": σ_b²})")
            }
            return named
        case .object:
            let fields = try object(value, path: path, allowed: InitVariances.keys)
            let weight = try optional(fields, "weightVariance", variance, path: path)
            guard let weight = weight ?? (sweptKeys.contains("weightVariance") ? 0 : nil) else {
                throw fail(Self.join(path, "weightVariance"), "missing (required unless the spec's sweep sets weightVariance)")
            }
            let bias = try optional(fields, "biasVariance", variance, path: path) ?? 0
            return .variances(InitVariances(weightVariance: weight, biasVariance: bias))
        default:
            throw fail(path, "expected one of \(names.joined(separator: ", ")) or {\"weightVariance\": σ_w², \"biasVariance\": σ_b²}, "
                + "found \(value.kindDescription)")
        }
    }

    /// A variance: a finite number ≥ 0.
    func variance(_ value: JSONValue, _ path: String) throws -> Double {
        let number = try double(value, path)
        if number < 0 { throw fail(path, "a variance must be 0 or more, found \(number)") }
        return number
    }

    func seeds(_ value: JSONValue, _ path: String) throws -> [Int] {
        guard case .array(let items) = value else {
            throw fail(path, "expected an array of integers, found \(value.kindDescription)")
        }
        if items.isEmpty { throw fail(path, "needs at least one seed") }
        let seeds = try items.enumerated().map { try int($0.element, "\(path)[\($0.offset)]") }
        if let negative = seeds.firstIndex(where: { $0 < 0 }) {
            throw fail("\(path)[\(negative)]", "seeds must be 0 or more, found \(seeds[negative])")
        }
        return seeds
    }

    func depths(_ value: JSONValue, _ path: String) throws -> [Int] {
        guard case .array(let items) = value else {
            throw fail(path, "expected an array of depths, found \(value.kindDescription)")
        }
        if items.isEmpty { throw fail(path, "needs at least one depth") }
        return try items.enumerated().map { try positiveInt($0.element, "\(path)[\($0.offset)]") }
    }

    func dataset(_ value: JSONValue, _ path: String) throws -> DatasetSpec {
        switch value {
        case .string(let name):
            switch name {
            case "digits": return .digits
            case "spirals": return .spirals
            default:
                throw fail(path, "unknown dataset '\(name.printable)'\(NameSuggestion.hint(for: name, among: ["digits", "spirals"])) "
                    + "(valid: digits, spirals, {\"csv\": PATH})")
            }
        case .object:
            let fields = try object(value, path: path, allowed: ["csv", "labelColumn"])
            return .csv(
                path: try required(fields, "csv", string, path: path),
                labelColumn: try optional(fields, "labelColumn", string, path: path) ?? "last")
        default:
            throw fail(path, "expected \"digits\", \"spirals\" or {\"csv\": PATH}, found \(value.kindDescription)")
        }
    }

    func optimizer(_ value: JSONValue, _ path: String) throws -> OptimizerSpec {
        let fields = try object(
            value, path: path, allowed: ["kind", "learningRate", "momentum", "beta1", "beta2", "epsilon"])
        let kind: OptimizerSpec.Kind = try required(fields, "kind", { try choice($0, $1, "optimizer") }, path: path)
        let spec = OptimizerSpec(
            kind: kind,
            learningRate: try required(fields, "learningRate", positiveDouble, path: path),
            momentum: try optional(fields, "momentum", rate, path: path),
            beta1: try optional(fields, "beta1", rate, path: path),
            beta2: try optional(fields, "beta2", rate, path: path),
            epsilon: try optional(fields, "epsilon", positiveDouble, path: path))
        if kind == .sgd, let key = ["beta1", "beta2", "epsilon"].first(where: { fields[$0] != nil }) {
            throw fail(Self.join(path, key), "only Adam uses \(key); SGD takes \"momentum\"")
        }
        if kind == .adam, fields["momentum"] != nil {
            throw fail(Self.join(path, "momentum"), "Adam takes beta1 and beta2, not momentum")
        }
        return spec
    }

    static let networkKeys = [
        "name", "activation", "batchNorm", "residual", "depth", "width", "batchSize", "epochs", "steps",
        "optimizer", "init", "clipNorm", "recordEvery", "initGain", "maxRecordedSteps",
    ]

    /// The keys a network of a recurrent spec may hold.
    static let recurrentNetworkKeys = [
        "name", "cell", "hidden", "init", "forgetBias", "batchSize", "steps", "optimizer", "clipNorm", "recordEvery",
        "maxRecordedSteps",
    ]

    /// The keys only a recurrent network takes.
    static let recurrentOnlyNetworkKeys = ["cell", "hidden", "forgetBias"]

    func task(_ value: JSONValue, _ path: String) throws -> SequenceTask {
        let fields = try object(value, path: path, allowed: ["kind", "length"])
        let kind: SequenceTask.Kind = try required(fields, "kind", { try choice($0, $1, "task") }, path: path)
        switch kind {
        case .adding:
            let length = try required(fields, "length", positiveInt, path: path)
            if length < 2 {
                throw fail(Self.join(path, "length"), "the adding task marks one value in each half of the sequence: "
                    + "the length must be at least 2, found \(length)")
            }
            return SequenceTask(kind: kind, length: length)
        case .digitsSequence:
            let length = try optional(fields, "length", int, path: path) ?? 64
            if length != 64 {
                throw fail(Self.join(path, "length"), "digits-sequence reads the 64 pixels of an 8×8 digit: the length is 64, found \(length)")
            }
            return SequenceTask(kind: kind, length: 64)
        }
    }

    func recurrentInitialization(_ value: JSONValue, _ path: String) throws -> RecurrentInitialization {
        try choice(value, path, "recurrent init")
    }

    func recurrentNetwork(_ value: JSONValue, _ path: String) throws -> NetworkSpec {
        if case .object(let raw) = value {
            for key in raw.keys.sorted() where Self.networkKeys.contains(key) && !Self.recurrentNetworkKeys.contains(key) {
                throw fail(Self.join(path, key), "\"\(key)\" belongs to an MLP network; a recurrent network takes \"cell\" and \"hidden\"")
            }
        }
        let fields = try object(value, path: path, allowed: Self.recurrentNetworkKeys)
        return NetworkSpec.recurrent(
            name: try required(fields, "name", name, path: path),
            cell: try required(fields, "cell", { try choice($0, $1, "cell") }, path: path),
            hidden: try required(fields, "hidden", positiveInt, path: path),
            init: try optional(fields, "init", recurrentInitialization, path: path),
            forgetBias: try optional(fields, "forgetBias", double, path: path),
            batchSize: try optional(fields, "batchSize", positiveInt, path: path),
            steps: try optional(fields, "steps", positiveInt, path: path),
            optimizer: try optional(fields, "optimizer", optimizer, path: path),
            clipNorm: try optional(fields, "clipNorm", positiveDouble, path: path),
            recordEvery: try optional(fields, "recordEvery", positiveInt, path: path),
            maxRecordedSteps: try optional(fields, "maxRecordedSteps", positiveInt, path: path))
    }

    func recurrentNetworks(_ value: JSONValue, _ path: String) throws -> [NetworkSpec] {
        guard case .array(let items) = value else {
            throw fail(path, "expected an array of networks, found \(value.kindDescription)")
        }
        return try items.enumerated().map { try recurrentNetwork($0.element, "\(path)[\($0.offset)]") }
    }

    func network(_ value: JSONValue, _ path: String) throws -> NetworkSpec {
        if case .object(let raw) = value {
            for key in Self.recurrentOnlyNetworkKeys where raw[key] != nil {
                throw fail(Self.join(path, key), "\"\(key)\" belongs to a recurrent network; give the spec a \"task\" "
                    + "(adding or digits-sequence) to train recurrent networks")
            }
        }
        let fields = try object(value, path: path, allowed: Self.networkKeys)
        return NetworkSpec(
            name: try required(fields, "name", name, path: path),
            activation: try required(fields, "activation", activation, path: path),
            batchNorm: try optional(fields, "batchNorm", bool, path: path),
            residual: try optional(fields, "residual", bool, path: path),
            depth: try optional(fields, "depth", positiveInt, path: path),
            width: try optional(fields, "width", positiveInt, path: path),
            batchSize: try optional(fields, "batchSize", positiveInt, path: path),
            epochs: try optional(fields, "epochs", positiveInt, path: path),
            steps: try optional(fields, "steps", positiveInt, path: path),
            optimizer: try optional(fields, "optimizer", optimizer, path: path),
            init: try optional(fields, "init", initialization, path: path),
            clipNorm: try optional(fields, "clipNorm", positiveDouble, path: path),
            recordEvery: try optional(fields, "recordEvery", positiveInt, path: path),
            initGain: try optional(fields, "initGain", positiveDouble, path: path),
            maxRecordedSteps: try optional(fields, "maxRecordedSteps", positiveInt, path: path))
    }

    func networks(_ value: JSONValue, _ path: String) throws -> [NetworkSpec] {
        guard case .array(let items) = value else {
            throw fail(path, "expected an array of networks, found \(value.kindDescription)")
        }
        return try items.enumerated().map { try network($0.element, "\(path)[\($0.offset)]") }
    }
}
