import ArgumentParser
import TensorBoardImport

/// The options of `run --import` and `render` that say how to read a TensorBoard log.
struct TensorBoardOptions: ParsableArguments {
    @Option(name: .customLong("tags"),
            help: ArgumentHelp("TensorBoard: a regular expression for gradient-norm tags, one capture group naming the parameter (tried before the built-in rules).",
                               valueName: "regex"))
    var tagPattern: String?

    @Option(name: .customLong("loss-tag"), help: ArgumentHelp("TensorBoard: a further training-loss tag (repeatable).", valueName: "tag"))
    var lossTags: [String] = []

    @Option(name: .customLong("accuracy-tag"),
            help: ArgumentHelp("TensorBoard: a further accuracy tag (repeatable; val… and test… tags are test accuracy).", valueName: "tag"))
    var accuracyTags: [String] = []

    @Option(name: .customLong("name"), help: ArgumentHelp("TensorBoard: rename a run (its folder name), e.g. version_0=baseline (repeatable).", valueName: "old=new"))
    var renames: [String] = []

    var isEmpty: Bool { tagPattern == nil && lossTags.isEmpty && accuracyTags.isEmpty && renames.isEmpty }

    func importOptions() throws -> TensorBoardImportOptions {
        do {
            return TensorBoardImportOptions(tagPattern: tagPattern, lossTags: lossTags, accuracyTags: accuracyTags,
                                            renames: try renames.map(TensorBoardImportOptions.rename))
        } catch let error as TensorBoardImportError {
            throw ValidationError(error.description)
        }
    }
}
