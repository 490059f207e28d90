/// The data set a report describes: its size and how it was split (a shard records it for the merged report).
public struct DataSummary: Hashable, Sendable {
    /// `digits`, `spirals`, or the CSV file's name.
    public var name: String
    public var examples: Int
    public var features: Int
    public var classes: Int
    public var trainCount: Int
    public var testCount: Int

    public init(name: String, examples: Int, features: Int, classes: Int, trainCount: Int, testCount: Int) {
        self.name = name
        self.examples = examples
        self.features = features
        self.classes = classes
        self.trainCount = trainCount
        self.testCount = testCount
    }
}
