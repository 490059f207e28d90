/// A TensorBoard log that cannot be imported: the file, the byte offset when there is one, and what
/// is wrong, on one line.
public struct TensorBoardImportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or folder, as the user gave it.
    public var path: String
    /// The byte offset of the record at fault, nil for a problem of the whole file or folder.
    public var offset: Int?
    public var message: String

    public init(path: String, offset: Int? = nil, message: String) {
        self.path = path
        self.offset = offset
        self.message = message
    }

    public var description: String {
        offset.map { "\(path), byte \($0): \(message)" } ?? "\(path): \(message)"
    }
}
