import CCairo

/// A failure of Cairo or FreeType, or a scene that cannot be drawn, with the call that failed.
public enum CairoError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A Cairo call left an error status; `status` is Cairo's own wording.
    case cairo(call: String, status: String)
    /// A FreeType call returned a non-zero error code.
    case freeType(call: String, code: Int32)
    /// A font file shipped with the package is missing from the resource bundle.
    case missingFont(String)
    /// A page or image size (or resolution) that no surface can have.
    case invalidSize(String)
    /// A PDF was asked for with no pages.
    case noPages

    public var description: String {
        switch self {
        case .cairo(let call, let status): return "cairo: \(call) failed: \(status)"
        case .freeType(let call, let code): return "FreeType: \(call) failed with error \(code)"
        case .missingFont(let name): return "font \(name) is missing from the CairoBackend resources"
        case .invalidSize(let message): return message
        case .noPages: return "a PDF needs at least one page"
        }
    }

    /// Throws when `status` is not success, naming `call` and Cairo's description of the status.
    static func check(_ status: cairo_status_t, _ call: @autoclosure () -> String) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        throw CairoError.cairo(call: call(), status: String(cString: cairo_status_to_string(status)))
    }
}
