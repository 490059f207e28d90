import Foundation

/// Reads the files a user hands to vanish (specs, histories, CSV data) and says in words what is
/// wrong when one is not what it claims to be.
public enum InputFile {
    /// Why a file could not be used: missing, a folder, unreadable, empty or not UTF-8 text.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        public var message: String
        public var description: String { message }
    }

    /// The bytes of the file at `url`, which must exist, be a regular file and (unless
    /// `allowEmpty`, for a reader with its own word for it) hold something.
    ///
    /// A device (`/dev/zero`, `/dev/null`), a named pipe or a socket is refused by name before it
    /// is opened: reading one could block or never end.
    ///
    /// - Parameter maxBytes: a larger file is refused before it is read (a spec is a few hundred bytes).
    public static func read(_ url: URL, allowEmpty: Bool = false, maxBytes: Int? = nil) throws(Problem) -> Data {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw Problem(message: "no such file") }
            throw Problem(message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw Problem(message: "is a folder, not a file")
        case S_IFCHR, S_IFBLK: throw Problem(message: "is a device, not a file")
        case S_IFIFO: throw Problem(message: "is a named pipe (FIFO), not a file; vanish reads regular files")
        case S_IFSOCK: throw Problem(message: "is a socket, not a file")
        default: throw Problem(message: "is not a regular file")
        }
        if let maxBytes, Int(info.st_size) > maxBytes {
            throw Problem(message: "is \(info.st_size) bytes, more than the \(maxBytes) bytes vanish reads from a file of this kind")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Problem(message: "cannot read the file (\(Self.reason(error)))")
        }
        if data.isEmpty && !allowEmpty { throw Problem(message: "the file is empty") }
        return data
    }

    /// The bytes of a text file: as `read`, and valid UTF-8.
    public static func readText(_ url: URL) throws(Problem) -> Data {
        let data = try read(url)
        if let line = firstInvalidUTF8Line(data) {
            throw Problem(message: "not UTF-8 text (line \(line) holds a byte that is not UTF-8; is it a binary file?)")
        }
        return data
    }

    /// The 1-based line of the first byte sequence that is not UTF-8, or nil when all of it is.
    public static func firstInvalidUTF8Line(_ data: Data) -> Int? {
        // Valid text, the usual case, is checked in bulk; only a bad file is decoded scalar by scalar.
        let valid = data.withUnsafeBytes { String(validating: $0, as: UTF8.self) != nil }
        if valid { return nil }
        var line = 1
        var decoder = UTF8()
        var iterator = data.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
            case .emptyInput:
                return nil
            case .error:
                return line
            }
        }
    }

    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(code)))
        }
        return (error as NSError).localizedDescription
    }
}
