import Foundation

/// Unit ids for `assign`: one per line, CR LF or LF, blank lines skipped; a first line that is
/// exactly `unit_id` (or `id`) is taken as a header.
///
/// An id must be valid UTF-8 without NUL bytes: repairing it (to U+FFFD) would print an id that
/// is not the one given, and two different malformed ids would hash alike.
public enum UnitIdList {
    public static func read(path: String) throws -> [String] {
        try parse(contents(path: path), name: path)
    }

    /// The bytes of the id file at `path` (for readers that scan them without `String`s).
    public static func contents(path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        return data
    }

    /// Parses ids from `data`; `name` names the source in errors (`file:line: …`).
    public static func parse(_ data: Data, name: String = "<stdin>") throws -> [String] {
        var ids: [String] = []
        var first = true
        for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var bytes = line[...]
            if first, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            defer { first = false }
            guard !bytes.contains(0) else {
                throw DataError(file: name, line: index + 1, message: "the unit id contains a NUL byte")
            }
            guard let id = String(validating: bytes, as: UTF8.self) else {
                throw DataError(file: name, line: index + 1, message: "the unit id is not valid UTF-8 text")
            }
            if id.allSatisfy({ $0 == " " || $0 == "\t" }) || (first && (id == "unit_id" || id == "id")) { continue }
            ids.append(id)
        }
        return ids
    }
}
