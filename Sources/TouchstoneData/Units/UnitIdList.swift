import Foundation

/// Unit ids for `assign`: one per line, CR LF or LF, blank lines skipped; a first line that is
/// exactly `unit_id` (or `id`) is taken as a header.
public enum UnitIdList {
    public static func read(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        return parse(data)
    }

    public static func parse(_ data: Data) -> [String] {
        var ids: [String] = []
        var first = true
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var bytes = line[...]
            if first, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            let id = String(decoding: bytes, as: UTF8.self)
            defer { first = false }
            if id.isEmpty || (first && (id == "unit_id" || id == "id")) { continue }
            ids.append(id)
        }
        return ids
    }
}
