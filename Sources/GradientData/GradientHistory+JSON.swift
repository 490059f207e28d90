import Foundation

/// A history file that cannot be read, with the file and what is wrong.
public struct HistoryReadError: Error, CustomStringConvertible, Sendable, Equatable {
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

extension GradientHistory {
    /// `history.json`: keys in the documented order, one stats row per line, non-finite numbers as
    /// the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    ///
    /// The same history always gives the same bytes.
    public func jsonData() -> Data {
        let document = OrderedJSON.object([
            ("schema", .int(schema)),
            ("spec", spec.orderedJSON),
            ("runs", .array(runs.map { $0.orderedJSON(schema: schema) })),
        ])
        return Data(document.text())
    }

    /// Reads `history.json`, refusing a schema this version does not know.
    ///
    /// - Parameter source: names the file in error messages.
    public static func decode(_ data: Data, source: String) throws -> GradientHistory {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // A history as vanish writes it is read directly (its tables are most of the file); anything
        // else takes Foundation's decoder, whose errors name the JSON path.
        if let history = readDirectly(data, decoder: decoder) {
            try history.checkShape(source: source)
            return history
        }
        return try decodeWithFoundation(data, source: source, decoder: decoder)
    }

    /// `decode` through Foundation's decoder (configured for non-finite numbers as strings).
    static func decodeWithFoundation(_ data: Data, source: String, decoder: JSONDecoder) throws -> GradientHistory {
        struct SchemaProbe: Decodable { var schema: Int? }
        let probe: SchemaProbe
        do {
            probe = try decoder.decode(SchemaProbe.self, from: data)
        } catch {
            throw HistoryReadError(source: source, message: notAHistoryReason(data) ?? "not a history file (\(Self.decodingReason(error)))")
        }
        guard let schema = probe.schema else {
            throw HistoryReadError(
                source: source, message: "not a history file (no \"schema\" key; vanish train writes {\"schema\": \(currentSchema), \"spec\": …, \"runs\": …})")
        }
        guard readableSchemas.contains(schema) else {
            throw HistoryReadError(
                source: source,
                message: "history schema \(schema) is not supported (this vanish reads \(readableSchemas.dropLast().map(String.init).joined(separator: ", ")) and \(readableSchemas.last ?? currentSchema))")
        }
        let history: GradientHistory
        do {
            history = try decoder.decode(GradientHistory.self, from: data)
        } catch {
            throw HistoryReadError(source: source, message: notAHistoryReason(data) ?? Self.decodingReason(error))
        }
        try history.checkShape(source: source)
        return history
    }

    /// Why `data` is no history at all: not UTF-8, not JSON (with line and column), or not an object.
    ///
    /// Only asked once Foundation's decoder has failed, so a good file is read once.
    static func notAHistoryReason(_ data: Data) -> String? {
        if let line = InputFile.firstInvalidUTF8Line(data) {
            return "not UTF-8 text (line \(line) holds a byte that is not UTF-8)"
        }
        do {
            let value = try JSONValue.parse(Array(data))
            if case .object = value { return nil }
            return "not a history file (expected an object with \"schema\", \"spec\" and \"runs\", found \(value.kindDescription))"
        } catch {
            let truncated = error.message.contains("end of the file") || error.message.contains("not closed")
            return "not valid JSON at \(error.description)" + (truncated ? " (is the file truncated?)" : "")
        }
    }

    /// Reads the history file at `url`.
    public static func load(contentsOf url: URL) throws -> GradientHistory {
        let data: Data
        do {
            data = try InputFile.read(url)
        } catch {
            throw HistoryReadError(source: url.relativePath, message: error.message)
        }
        return try decode(data, source: url.relativePath)
    }

    /// Checks that every table has one row per recorded step and one value per layer.
    public func checkShape(source: String) throws {
        for (runIndex, run) in runs.enumerated() {
            func fail(_ path: String, _ message: String) -> HistoryReadError {
                HistoryReadError(source: source, message: "runs[\(runIndex)].\(path): \(message)")
            }
            let rows = run.steps.count
            // An empty table, loss or accuracy was not recorded (an imported log may lack them).
            for name in LayerStats.names {
                guard let table = run.stats[name], !(table.isEmpty && name != "weightGradNorm") else { continue }
                if table.count != rows {
                    throw fail("stats.\(name)", "has \(table.count) rows, expected one per step (\(rows))")
                }
                if let bad = table.firstIndex(where: { $0.count != run.layers.count }) {
                    throw fail("stats.\(name)[\(bad)]",
                               "has \(table[bad].count) values, expected one per layer (\(run.layers.count))")
                }
            }
            for (name, table) in [("weightGradNormMin", run.stats.weightGradNormMin),
                                  ("weightGradNormMax", run.stats.weightGradNormMax)] where !table.isEmpty {
                if table.count != rows {
                    throw fail("stats.\(name)", "has \(table.count) rows, expected one per bucket (\(rows))")
                }
                if let bad = table.firstIndex(where: { $0.count != run.layers.count }) {
                    throw fail("stats.\(name)[\(bad)]",
                               "has \(table[bad].count) values, expected one per layer (\(run.layers.count))")
                }
            }
            if run.stepsPerBucket < 1 { throw fail("stepsPerBucket", "must be at least 1, found \(run.stepsPerBucket)") }
            // Steps become coordinates and labels: they must fit a Double exactly and keep their order.
            let largest = Self.largestStep
            if run.stepsPerBucket > largest { throw fail("stepsPerBucket", "is larger than \(largest) (2^53)") }
            for (i, step) in run.steps.enumerated() {
                if step < 0 || step > largest {
                    throw fail("steps[\(i)]", "\(step) is outside 0…\(largest) (2^53), the steps vanish reads")
                }
                if i > 0, step < run.steps[i - 1] {
                    throw fail("steps[\(i)]", "\(step) comes after step \(run.steps[i - 1]); steps must not go backwards")
                }
            }
            if let diverged = run.diverged, diverged < 0 || diverged > largest {
                throw fail("diverged", "\(diverged) is outside 0…\(largest) (2^53), the steps vanish reads")
            }
            if !run.loss.isEmpty, run.loss.count != rows { throw fail("loss", "has \(run.loss.count) values, expected \(rows)") }
            if !run.trainAccuracy.isEmpty, run.trainAccuracy.count != rows {
                throw fail("trainAccuracy", "has \(run.trainAccuracy.count) values, expected \(rows)")
            }
            if let time = run.time {
                let buckets = time.timeSteps.count
                if time.timeStepsPerBucket < 1 {
                    throw fail("time.timeStepsPerBucket", "must be at least 1, found \(time.timeStepsPerBucket)")
                }
                for name in TimeStepRecord.names {
                    guard let table = time[name], !(table.isEmpty && name != "hiddenGradNorm") else { continue }
                    if table.count != rows { throw fail("time.\(name)", "has \(table.count) rows, expected one per step (\(rows))") }
                    if let bad = table.firstIndex(where: { $0.count != buckets }) {
                        throw fail("time.\(name)[\(bad)]", "has \(table[bad].count) values, expected one per time bucket (\(buckets))")
                    }
                }
                if time.testMetric.count != time.evaluationSteps.count {
                    throw fail("time.testMetric", "has \(time.testMetric.count) values, expected one per evaluation step (\(time.evaluationSteps.count))")
                }
            }
        }
    }

    static func decodingReason(_ error: Error) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "document" : text
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case DecodingError.typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case DecodingError.valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case DecodingError.dataCorrupted(let context):
            return "\(path(context.codingPath)): \(ExperimentSpec.jsonReason(error))"
        default:
            return "\(error)"
        }
    }
}

extension OptimizerSpec {
    var orderedJSON: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [("kind", .string(kind.rawValue)), ("learningRate", .double(learningRate))]
        if let momentum { fields.append(("momentum", .double(momentum))) }
        if let beta1 { fields.append(("beta1", .double(beta1))) }
        if let beta2 { fields.append(("beta2", .double(beta2))) }
        if let epsilon { fields.append(("epsilon", .double(epsilon))) }
        return .object(fields)
    }
}

extension Initialization {
    /// A name as a string; variances as `{"weightVariance": …, "biasVariance": …}`.
    var orderedJSON: OrderedJSON {
        guard let variances else { return .string(name) }
        return .object([("weightVariance", .double(variances.weightVariance)), ("biasVariance", .double(variances.biasVariance))])
    }
}

extension DatasetSpec {
    var orderedJSON: OrderedJSON {
        switch self {
        case .digits: return .string("digits")
        case .spirals: return .string("spirals")
        case .csv(let path, let labelColumn):
            return .object([("csv", .string(path)), ("labelColumn", .string(labelColumn))])
        }
    }
}

extension NetworkSpec {
    var orderedJSON: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [("name", .string(name))]
        if let cell {
            fields.append(("cell", .string(cell.rawValue)))
            if let hidden { fields.append(("hidden", .int(hidden))) }
            if let recurrentInit { fields.append(("init", .string(recurrentInit.rawValue))) }
            if let forgetBias { fields.append(("forgetBias", .double(forgetBias))) }
        } else {
            fields.append(("activation", .string(activation.rawValue)))
        }
        if let batchNorm { fields.append(("batchNorm", .bool(batchNorm))) }
        if let residual { fields.append(("residual", .bool(residual))) }
        if let depth { fields.append(("depth", .int(depth))) }
        if let width { fields.append(("width", .int(width))) }
        if let batchSize { fields.append(("batchSize", .int(batchSize))) }
        if let epochs { fields.append(("epochs", .int(epochs))) }
        if let steps { fields.append(("steps", .int(steps))) }
        if let optimizer { fields.append(("optimizer", optimizer.orderedJSON)) }
        if let value = `init` { fields.append(("init", value.orderedJSON)) }
        if let initGain { fields.append(("initGain", .double(initGain))) }
        if let clipNorm { fields.append(("clipNorm", .double(clipNorm))) }
        if let recordEvery { fields.append(("recordEvery", .int(recordEvery))) }
        if let maxRecordedSteps { fields.append(("maxRecordedSteps", .int(maxRecordedSteps))) }
        return .object(fields)
    }
}

extension ExperimentSpec {
    var orderedJSON: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [("name", .string(name)), ("title", .string(title))]
        if let task {
            fields.append(("task", .object([("kind", .string(task.kind.rawValue)), ("length", .int(task.length))])))
        } else {
            fields += [("dataset", dataset.orderedJSON), ("depth", .int(depth)), ("width", .int(width))]
        }
        fields.append(("batchSize", .int(batchSize)))
        if let epochs { fields.append(("epochs", .int(epochs))) }
        if let steps { fields.append(("steps", .int(steps))) }
        fields.append(("optimizer", optimizer.orderedJSON))
        if task == nil {
            fields.append(("init", `init`.orderedJSON))
        } else if let recurrentInit {
            fields.append(("init", .string(recurrentInit.rawValue)))
        }
        if let forgetBias { fields.append(("forgetBias", .double(forgetBias))) }
        if let maxRecordedTimeSteps { fields.append(("maxRecordedTimeSteps", .int(maxRecordedTimeSteps))) }
        if let initGain { fields.append(("initGain", .double(initGain))) }
        if let clipNorm { fields.append(("clipNorm", .double(clipNorm))) }
        fields.append(("seeds", .array(seeds.map { .int($0) })))
        fields.append(("recordEvery", .int(recordEvery)))
        if let maxRecordedSteps { fields.append(("maxRecordedSteps", .int(maxRecordedSteps))) }
        fields.append(("networks", .array(networks.map(\.orderedJSON))))
        if let depths { fields.append(("depths", .array(depths.map { .int($0) }))) }
        if let sweep { fields.append(("sweep", sweep.orderedJSON)) }
        if let trainExamples { fields.append(("trainExamples", .int(trainExamples))) }
        if let importedFrom { fields.append(("importedFrom", .string(importedFrom))) }
        return .object(fields)
    }

    /// The spec as JSON in the documented key order (the text of `Reports/*.json`).
    public func jsonData() -> Data { Data(orderedJSON.text()) }
}

extension RunSettings {
    var orderedJSON: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [
            ("network", .string(network)), ("activation", .string(activation.rawValue)),
            ("batchNorm", .bool(batchNorm)), ("residual", .bool(residual)), ("depth", .int(depth)),
            ("width", .int(width)), ("batchSize", .int(batchSize)), ("epochs", epochs.map { .int($0) } ?? .null),
            ("steps", .int(steps)), ("optimizer", optimizer.orderedJSON), ("init", `init`.orderedJSON),
            ("clipNorm", clipNorm.map { .double($0) } ?? .null), ("recordEvery", .int(recordEvery)),
            ("seed", .int(seed)),
        ]
        // Written only when set, so histories without them keep their bytes.
        if let initGain { fields.append(("initGain", .double(initGain))) }
        if let importedFrom { fields.append(("importedFrom", .string(importedFrom))) }
        if let maxRecordedSteps { fields.append(("maxRecordedSteps", .int(maxRecordedSteps))) }
        if let sweepPoint { fields.append(("sweepPoint", sweepPoint.orderedJSON)) }
        if let recordedSteps { fields.append(("recordedSteps", .array(recordedSteps.map { .int($0) }))) }
        if let recurrent {
            var part: [(String, OrderedJSON)] = [
                ("task", .object([("kind", .string(recurrent.task.kind.rawValue)), ("length", .int(recurrent.task.length))])),
                ("cell", .string(recurrent.cell.rawValue)), ("hidden", .int(recurrent.hidden)),
                ("init", .string(recurrent.`init`.rawValue)),
            ]
            if let forgetBias = recurrent.forgetBias { part.append(("forgetBias", .double(forgetBias))) }
            part.append(("maxRecordedTimeSteps", .int(recurrent.maxRecordedTimeSteps)))
            fields.append(("recurrent", .object(part)))
        }
        return .object(fields)
    }
}

extension RunHistory {
    /// Schema 1 (a file read from an older vanish) is written back as it was: without
    /// `stepsPerBucket` and the bucket minima and maxima, which it cannot hold.
    func orderedJSON(schema: Int) -> OrderedJSON {
        var statFields: [(String, OrderedJSON)] = LayerStats.names.map { ($0, .floatRows(stats[$0] ?? [])) }
        var fields: [(String, OrderedJSON)] = [
            ("network", .string(network)), ("seed", .int(seed)), ("settings", settings.orderedJSON),
            ("layers", .array(layers.map { .string($0) })),
            ("steps", .array(steps.map { .int($0) })),
        ]
        if schema >= 2 || stepsPerBucket != 1 {
            fields.append(("stepsPerBucket", .int(stepsPerBucket)))
            if !stats.weightGradNormMin.isEmpty || !stats.weightGradNormMax.isEmpty {
                statFields.append(("weightGradNormMin", .floatRows(stats.weightGradNormMin)))
                statFields.append(("weightGradNormMax", .floatRows(stats.weightGradNormMax)))
            }
        }
        fields += [
            ("stats", .object(statFields)),
            ("loss", .floats(loss)), ("trainAccuracy", .floats(trainAccuracy)),
            ("testAccuracy", .floats(testAccuracy)), ("diverged", diverged.map { .int($0) } ?? .null),
        ]
        if let time {
            var timeFields: [(String, OrderedJSON)] = [
                ("timeSteps", .array(time.timeSteps.map { .int($0) })), ("timeStepsPerBucket", .int(time.timeStepsPerBucket)),
            ]
            timeFields += TimeStepRecord.names.map { ($0, .floatRows(time[$0] ?? [])) }
            timeFields += [
                ("evaluationSteps", .array(time.evaluationSteps.map { .int($0) })), ("testMetric", .floats(time.testMetric)),
                ("recurrentSpectralNorm", .floats(time.recurrentSpectralNorm)),
            ]
            fields.append(("time", .object(timeFields)))
        }
        return .object(fields)
    }
}
