extension DatasetSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case csv
        case labelColumn
    }

    /// `"digits"`, `"spirals"`, or `{"csv": "path.csv", "labelColumn": "last"}`.
    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            switch name {
            case "digits": self = .digits
            case "spirals": self = .spirals
            default:
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown dataset '\(name)'; valid: digits, spirals, {\"csv\": PATH}"))
            }
            return
        }
        let keyed = try decoder.container(keyedBy: CodingKeys.self)
        self = .csv(
            path: try keyed.decode(String.self, forKey: .csv),
            labelColumn: try keyed.decodeIfPresent(String.self, forKey: .labelColumn) ?? "last")
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .digits:
            var single = encoder.singleValueContainer()
            try single.encode("digits")
        case .spirals:
            var single = encoder.singleValueContainer()
            try single.encode("spirals")
        case .csv(let path, let labelColumn):
            var keyed = encoder.container(keyedBy: CodingKeys.self)
            try keyed.encode(path, forKey: .csv)
            try keyed.encode(labelColumn, forKey: .labelColumn)
        }
    }
}
