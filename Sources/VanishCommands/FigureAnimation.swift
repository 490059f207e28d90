import Foundation
import GradientData

/// Animated figures over training (`vanish figure … --out NAME.gif`).
public enum FigureAnimation {
    /// Writes the request's figure as an animation over `history`'s training to `url`.
    ///
    /// Not available in this build: refuses with one line, writing nothing.
    public static func write(_ request: FigureRequest, history: GradientHistory, to url: URL) throws {
        throw RenderError.badOption("'\(url.lastPathComponent)': animated GIF output is not available in this build; "
            + "write .png, .svg or .pdf")
    }
}
