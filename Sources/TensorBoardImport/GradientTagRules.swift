import Foundation

/// Which TensorBoard tags hold per-parameter gradient norms, and which hold the loss and accuracies.
///
/// Built in, for the ways gradients usually reach TensorBoard:
/// - `grad_<p>_norm/<parameter>`: Lightning's `grad_norm(module, norm_type=p)` logged with `log_dict`
///   (its `grad_<p>_norm_total` is the norm over all parameters and is skipped);
/// - `grad_norm/<parameter>` and `gradients/<parameter>/norm`: hand-written logging loops;
/// - `gradients/<parameter>`: `add_histogram` of each gradient; the norm is √(sum of squares).
/// A user's pattern (`--tags`) is tried first; its one capture group names the parameter.
public struct GradientTagRules: Sendable {
    /// What a tag holds.
    enum Role: Equatable {
        case gradient(parameter: String)
        case loss
        case trainAccuracy
        case testAccuracy
        /// Known and deliberately not used (Lightning's total norm).
        case ignored
        case unmatched
    }

    /// The training-loss tags vanish knows without being told.
    public static let lossTags = ["loss", "train_loss", "train/loss", "loss/train", "training_loss", "train_loss_step"]
    /// Accuracy tags vanish knows; `val…` and `test…` ones feed test accuracy, the rest training accuracy.
    public static let accuracyTags = [
        "acc", "accuracy", "train_acc", "train_accuracy", "train/acc", "train/accuracy", "train_acc_step",
        "val_acc", "val_accuracy", "val/acc", "val/accuracy", "test_acc", "test_accuracy", "test/acc", "test/accuracy",
    ]

    let pattern: NSRegularExpression?
    let lossTags: [String]
    let accuracyTags: [String]

    /// - Parameters:
    ///   - pattern: a regular expression with exactly one capture group, the parameter's name; it must
    ///     match the whole tag.
    ///   - lossTags, accuracyTags: further tags, besides the built-in ones.
    /// - Throws: `TensorBoardImportError` (path `--tags`) for a pattern that does not compile or does
    ///   not have one capture group.
    public init(pattern: String? = nil, lossTags: [String] = [], accuracyTags: [String] = []) throws {
        if let pattern {
            let compiled: NSRegularExpression
            do {
                compiled = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
            } catch {
                throw TensorBoardImportError(path: "--tags", message: "'\(pattern)' is not a regular expression")
            }
            guard compiled.numberOfCaptureGroups == 1 else {
                throw TensorBoardImportError(
                    path: "--tags",
                    message: "'\(pattern)' has \(compiled.numberOfCaptureGroups) capture groups; it needs exactly one, around the parameter's name")
            }
            self.pattern = compiled
        } else {
            self.pattern = nil
        }
        self.lossTags = lossTags + Self.lossTags
        self.accuracyTags = accuracyTags + Self.accuracyTags
    }

    /// What `tag` holds.
    func role(of tag: String) -> Role {
        if let pattern {
            let range = NSRange(tag.startIndex..., in: tag)
            if let match = pattern.firstMatch(in: tag, range: range), let group = Range(match.range(at: 1), in: tag),
               !group.isEmpty {
                return .gradient(parameter: String(tag[group]))
            }
        }
        if lossTags.contains(tag) { return .loss }
        if accuracyTags.contains(tag) {
            return tag.hasPrefix("val") || tag.hasPrefix("test") ? .testAccuracy : .trainAccuracy
        }
        if let parameter = Self.builtInParameter(tag) {
            return parameter.isEmpty ? .unmatched : .gradient(parameter: parameter)
        }
        if tag.hasPrefix("grad_"), tag.hasSuffix("_norm_total") { return .ignored }
        return .unmatched
    }

    /// The parameter a built-in rule finds in `tag`, or nil.
    static func builtInParameter(_ tag: String) -> String? {
        if tag.hasPrefix("grad_"), let slash = tag.firstIndex(of: "/") {
            // grad_<p>_norm/<parameter>, p any norm type (2, 2.0, inf), or none: grad_norm/<parameter>.
            let head = tag[tag.index(tag.startIndex, offsetBy: 5)..<slash]
            if head == "norm" || (head.hasSuffix("_norm") && !head.dropLast(5).isEmpty && !head.dropLast(5).contains("/")) {
                return String(tag[tag.index(after: slash)...])
            }
        }
        if tag.hasPrefix("gradients/") {
            let rest = tag.dropFirst("gradients/".count)
            if rest.hasSuffix("/norm") { return String(rest.dropLast("/norm".count)) }
            return String(rest)
        }
        return nil
    }
}
