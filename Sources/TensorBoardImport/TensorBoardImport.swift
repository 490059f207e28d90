import Foundation
import GradientData
import SwiftProtobuf

/// How to read a TensorBoard log: which tags are gradients, loss and accuracy, and run names.
public struct TensorBoardImportOptions: Sendable {
    /// A regular expression with one capture group naming the parameter, tried before the built-in rules.
    public var tagPattern: String?
    /// Loss tags besides `GradientTagRules.lossTags`.
    public var lossTags: [String]
    /// Accuracy tags besides `GradientTagRules.accuracyTags` (`val…`, `test…`: test accuracy).
    public var accuracyTags: [String]
    /// (old, new) run names: Lightning's folders are `version_0`, `version_1`, ….
    public var renames: [(old: String, new: String)]
    /// At most this many time buckets per layer, as for vanish's own runs.
    public var maxRecordedSteps: Int

    public init(tagPattern: String? = nil, lossTags: [String] = [], accuracyTags: [String] = [],
                renames: [(old: String, new: String)] = [],
                maxRecordedSteps: Int = ExperimentSpec.defaultMaxRecordedSteps) {
        self.tagPattern = tagPattern
        self.lossTags = lossTags
        self.accuracyTags = accuracyTags
        self.renames = renames
        self.maxRecordedSteps = maxRecordedSteps
    }

    /// A rename given as `OLD=NEW`.
    public static func rename(_ text: String) throws -> (old: String, new: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex
        else { throw TensorBoardImportError(path: "--name", message: "'\(text)' is not OLD=NEW (a run's folder name, =, the name to show)") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}

/// TensorBoard event files (`events.out.tfevents.*`) as a history: one run per folder of event files.
///
/// Reads one file, or a folder tree where each folder holding event files is a run named after its
/// path inside the tree (TensorBoard's convention). Per-parameter gradient norms become layers
/// (`fc1.weight` and `fc1.bias`: layer `fc1`, weight and bias norm) in the order of the log's first
/// step; see `GradientTagRules` for which tags count. Steps keep TensorBoard's numbers and restart
/// rule; wall times are ignored; long runs are bucketed as vanish's own (`maxRecordedSteps`).
public enum TensorBoardImport {
    /// The import's result: the history, and one-line warnings to show (unmatched tags, …).
    public struct Result: Sendable {
        public var history: GradientHistory
        public var warnings: [String]
    }

    /// Whether `path` names a TensorBoard log: a folder, or a file whose name holds `tfevents`.
    public static func isTensorBoardLog(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return true }
        return URL(fileURLWithPath: path).lastPathComponent.contains("tfevents")
    }

    /// The history of the TensorBoard log at `path` (a file or a folder tree).
    ///
    /// - Throws: `TensorBoardImportError`, one line naming the file (and byte offset): not a
    ///   TensorBoard file, a checksum that does not match, a truncated file, an event that does not
    ///   parse, no gradient tags (listing the tags there are), a rename of a run that does not exist.
    public static func load(_ path: String, options: TensorBoardImportOptions = TensorBoardImportOptions()) throws -> Result {
        let rules = try GradientTagRules(pattern: options.tagPattern, lossTags: options.lossTags,
                                         accuracyTags: options.accuracyTags)
        let found = try runFolders(path)
        var warnings: [String] = []
        var logs: [(name: String, log: RunLog)] = []
        for (name, files) in found {
            var reader = EventReader(rules: rules)
            for file in files {
                let ending = try reader.read(file.url, path: file.path)
                if case .stillBeingWritten(let offset) = ending {
                    warnings.append("\(file.path): ends inside a record at byte \(offset) while a program is still writing it; read up to that record")
                }
            }
            logs.append((name, reader.log))
        }
        var names = logs.map(\.name)
        for (old, new) in options.renames {
            guard let index = names.firstIndex(of: old) else {
                throw TensorBoardImportError(path: "--name", message: "no run '\(old)' to rename (runs: \(names.joined(separator: ", ")))")
            }
            names[index] = new
        }
        if let repeated = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) }) {
            throw TensorBoardImportError(path: "--name", message: "two runs would both be named '\(repeated.element)'")
        }
        let source = sourceName(path)
        var runs: [RunHistory] = []
        for (index, entry) in logs.enumerated() {
            let built = RunAssembly.run(entry.log, network: names[index], source: source,
                                        maxRecordedSteps: options.maxRecordedSteps)
            if let run = built.run {
                runs.append(run)
            } else if logs.count > 1 {
                warnings.append("run '\(entry.name)' has no gradient tags and is left out (tags: \(listing(entry.log.tags)))")
            }
            warnings += built.warnings.map { logs.count > 1 ? "run '\(entry.name)': \($0)" : $0 }
            if !entry.log.unmatched.isEmpty {
                let prefix = logs.count > 1 ? "run '\(entry.name)': " : ""
                warnings.append(prefix + "tags no rule reads (not imported): \(listing(entry.log.unmatched))")
            }
        }
        if runs.isEmpty {
            let tags = logs.flatMap(\.log.tags)
            throw TensorBoardImportError(
                path: path,
                message: "no gradient tags (found: \(tags.isEmpty ? "no tags at all" : listing(tags))); vanish reads grad_<p>_norm/<parameter>, grad_norm/<parameter>, gradients/<parameter>[/norm], or tags matching --tags REGEX")
        }
        return Result(history: GradientHistory(spec: GradientLogImport.spec(for: runs, source: source), runs: runs),
                      warnings: warnings)
    }

    /// At most 20 names, then how many more.
    static func listing(_ names: [String]) -> String {
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        let shown = unique.prefix(20).joined(separator: ", ")
        return unique.count > 20 ? shown + ", … (\(unique.count - 20) more)" : shown
    }

    /// The name a history imported from `path` is known by: the folder's, or a file's folder's.
    static func sourceName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue { return url.path }
        return url.deletingLastPathComponent().path
    }

    /// The runs under `path`: each folder holding event files, named by its path inside `path`, with
    /// its files in name order (which is time order: the names begin with the writer's start time).
    static func runFolders(_ path: String) throws -> [(name: String, files: [(url: URL, path: String)])] {
        let root = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) else {
            throw TensorBoardImportError(path: path, message: "no such file or folder")
        }
        if !isFolder.boolValue {
            let folder = root.standardizedFileURL.deletingLastPathComponent().lastPathComponent
            return [(folder.isEmpty || folder == "/" ? "run" : folder, [(root, path)])]
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw TensorBoardImportError(path: path, message: "cannot list the folder")
        }
        let rootPath = root.standardizedFileURL.path
        var byFolder: [String: [String]] = [:]
        for case let url as URL in walker where url.lastPathComponent.contains("tfevents") {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(rootPath) else { continue }
            let relative = String(full.dropFirst(rootPath.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let folder = (relative as NSString).deletingLastPathComponent
            byFolder[folder, default: []].append((relative as NSString).lastPathComponent)
        }
        guard !byFolder.isEmpty else {
            throw TensorBoardImportError(path: path, message: "no TensorBoard event files (events.out.tfevents.*) in this folder or below")
        }
        let rootName = root.standardizedFileURL.lastPathComponent
        return byFolder.keys.sorted().map { folder in
            let files = (byFolder[folder] ?? []).sorted().map { name -> (url: URL, path: String) in
                let relative = folder.isEmpty ? name : folder + "/" + name
                return (root.appendingPathComponent(relative), (path as NSString).appendingPathComponent(relative))
            }
            return (folder.isEmpty ? rootName : folder, files)
        }
    }
}

/// Decodes one run's event files into a `RunLog`, one record at a time.
struct EventReader {
    /// Where a tag's values go, decided once per tag.
    enum Slot {
        case gradient(column: Int)
        case loss(Int), trainAccuracy(Int), testAccuracy(Int)
        case skip
    }

    let rules: GradientTagRules
    var log = RunLog()
    /// Every tag's slot, in order of first appearance, and where each tag is in that order.
    private var slots: [(tag: String, slot: Slot)] = []
    private var slotIndex: [String: Int] = [:]
    /// The slot most likely to come next: logs repeat their tags in the same order every step, and
    /// comparing one tag is cheaper than hashing it.
    private var nextSlot = 0
    private var options: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        return options
    }()

    init(rules: GradientTagRules) {
        self.rules = rules
    }

    /// Adds the events of one file; its path, as the user gave it, names it in errors.
    mutating func read(_ url: URL, path: String) throws -> TFRecordFile.Ending {
        let file = TFRecordFile(url: url, path: path)
        var first = true
        return try file.forEachRecord { bytes, offset in
            var event: Tensorboard_Event
            do {
                // The record's bytes, borrowed for the call, not copied.
                event = Tensorboard_Event()
                try event.merge(serializedBytes: bytes.bytes, options: options)
            } catch {
                throw TensorBoardImportError(
                    path: path, offset: offset,
                    message: first ? "not a TensorBoard event file (its first record is not an Event)"
                        : "the record is not a TensorBoard Event (protobuf: \(error))")
            }
            if first, case .fileVersion(let version)? = event.what, !version.hasPrefix("brain.Event:") {
                throw TensorBoardImportError(path: path, offset: offset, message: "not a TensorBoard event file (file version '\(version)')")
            }
            first = false
            add(event)
        }
    }

    private mutating func add(_ event: Tensorboard_Event) {
        switch event.what {
        case .summary(let summary)?:
            for value in summary.value { add(value, step: event.step) }
        case .sessionLog(let session)? where session.status == .start:
            log.restart(at: event.step)
        default:
            break
        }
    }

    private mutating func add(_ value: Tensorboard_Summary.Value, step: Int64) {
        let slot = self.slot(for: value)
        switch slot {
        case .gradient(let column):
            let number: Float?
            if case .histo(let histogram)? = value.value {
                number = Float(histogram.sumSquares.squareRoot())
            } else {
                number = Self.scalar(value)
            }
            if let number { log.addGradient(number, column: column, step: step) }
        case .loss(let index):
            if let number = Self.scalar(value) { log.losses[index].add(step: step, value: number) }
        case .trainAccuracy(let index):
            if let number = Self.scalar(value) { log.trainAccuracies[index].add(step: step, value: number) }
        case .testAccuracy(let index):
            if let number = Self.scalar(value) { log.testAccuracies[index].add(step: step, value: number) }
        case .skip:
            break
        }
    }

    /// The slot of a value's tag, decided (and the tag recorded) the first time the tag appears.
    private mutating func slot(for value: Tensorboard_Summary.Value) -> Slot {
        if nextSlot < slots.count, slots[nextSlot].tag == value.tag {
            defer { nextSlot = nextSlot + 1 == slots.count ? 0 : nextSlot + 1 }
            return slots[nextSlot].slot
        }
        if let known = slotIndex[value.tag] {
            nextSlot = known + 1 == slots.count ? 0 : known + 1
            return slots[known].slot
        }
        let tag = value.tag
        log.tags.append(tag)
        let isHistogram: Bool
        if case .histo? = value.value { isHistogram = true } else { isHistogram = false }
        let isScalar = Self.scalar(value) != nil
        let slot: Slot
        switch rules.role(of: tag) {
        case .gradient(let parameter) where isHistogram || isScalar:
            log.gradients.append(RunLog.GradientColumn(tag: tag, parameter: parameter, fromHistogram: isHistogram))
            slot = .gradient(column: log.gradients.count - 1)
        case .loss where isScalar:
            log.losses.append(RunLog.ScalarSeries(tag: tag))
            slot = .loss(log.losses.count - 1)
        case .trainAccuracy where isScalar:
            log.trainAccuracies.append(RunLog.ScalarSeries(tag: tag))
            slot = .trainAccuracy(log.trainAccuracies.count - 1)
        case .testAccuracy where isScalar:
            log.testAccuracies.append(RunLog.ScalarSeries(tag: tag))
            slot = .testAccuracy(log.testAccuracies.count - 1)
        case .ignored:
            slot = .skip
        default:
            log.unmatched.append(tag)
            slot = .skip
        }
        slotIndex[tag] = slots.count
        slots.append((tag, slot))
        nextSlot = 0
        return slot
    }

    /// A scalar: `simple_value`, or a float or double tensor holding one value (rank 0).
    static func scalar(_ value: Tensorboard_Summary.Value) -> Float? {
        switch value.value {
        case .simpleValue(let number)?:
            return number
        case .tensor(let tensor)?:
            guard tensor.tensorShape.dim.allSatisfy({ $0.size == 1 }) else { return nil }
            switch tensor.dtype {
            case .dtFloat:
                if let number = tensor.floatVal.first { return number }
                guard tensor.tensorContent.count == 4 else { return nil }
                return Float(bitPattern: UInt32(littleEndian: tensor.tensorContent.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
            case .dtDouble:
                if let number = tensor.doubleVal.first { return Float(number) }
                guard tensor.tensorContent.count == 8 else { return nil }
                return Float(Double(bitPattern: UInt64(littleEndian: tensor.tensorContent.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })))
            default:
                return nil
            }
        default:
            return nil
        }
    }
}
