/// How weights (and, for `nielsen` and `variances`, biases) are drawn at initialisation.
///
/// In JSON a named initialisation is a string (`"he-normal"`); one given by its variances is an
/// object, `{"weightVariance": 1.5, "biasVariance": 0.05}`.
public enum Initialization: Sendable, Hashable {
    /// N(0, 2 / (fan_in + fan_out)) weights, zero biases.
    case xavierNormal
    /// N(0, 2 / fan_in) weights, zero biases.
    case heNormal
    /// N(0, 1 / fan_in) weights, N(0, 1) biases.
    case nielsen
    /// N(0, σ_w² / fan_in) weights and N(0, σ_b²) biases: the parameterisation of mean-field theory.
    case variances(InitVariances)

    /// The initialisations a spec names by a string, in the order they are documented.
    public static let named: [Initialization] = [.xavierNormal, .heNormal, .nielsen]

    /// The name a spec gives this initialisation (`xavier-normal`, `he-normal`, `nielsen`), or
    /// `variances` for one given by its variances.
    public var name: String {
        switch self {
        case .xavierNormal: return "xavier-normal"
        case .heNormal: return "he-normal"
        case .nielsen: return "nielsen"
        case .variances: return "variances"
        }
    }

    /// The named initialisation called `name`; nil for any other string (`variances` included:
    /// that one is an object).
    public init?(name: String) {
        guard let found = Self.named.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// The variances of a `variances` initialisation, else nil.
    public var variances: InitVariances? {
        if case .variances(let v) = self { return v }
        return nil
    }
}

/// σ_w² and σ_b² of an initialisation by variances: W ~ N(0, σ_w² / fan_in), b ~ N(0, σ_b²).
public struct InitVariances: Codable, Sendable, Hashable {
    public var weightVariance: Double
    public var biasVariance: Double

    public init(weightVariance: Double, biasVariance: Double) {
        self.weightVariance = weightVariance
        self.biasVariance = biasVariance
    }

    /// The keys of the JSON object.
    public static let keys = ["weightVariance", "biasVariance"]
}

extension Initialization: Codable {
    public init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let text = try? single.decode(String.self) {
            guard let named = Initialization(name: text) else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "unknown init '\(text)' (valid: \(Self.named.map(\.name).joined(separator: ", ")), or {\"weightVariance\": …, \"biasVariance\": …})")
            }
            self = named
            return
        }
        let variances = try single.decode(InitVariances.self)
        for value in [variances.weightVariance, variances.biasVariance] where !(value >= 0 && value.isFinite) {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "a variance must be a finite number ≥ 0, found \(value)")
        }
        self = .variances(variances)
    }

    public func encode(to encoder: Encoder) throws {
        var single = encoder.singleValueContainer()
        if let variances {
            try single.encode(variances)
        } else {
            try single.encode(name)
        }
    }
}
